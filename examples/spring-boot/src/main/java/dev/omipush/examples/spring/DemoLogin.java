package dev.omipush.examples.spring;

import dev.omipush.spring.StepUpUserResolver;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The demo's fixed login: one user, kept in a signed cookie (`demo_login`), so that every
 * instance of the app sharing `demo.login-key` knows who is signed in. The step-up starter asks
 * it for the current user (a StepUpUserResolver bean replaces the default, the Principal).
 */
@Component
public class DemoLogin implements StepUpUserResolver {
    static final String COOKIE = "demo_login";
    private final byte[] key;
    final String demoUser;

    public DemoLogin(@Value("${demo.login-key:}") String key, @Value("${DEMO_USER_ID:alice}") String demoUser) {
        this.demoUser = demoUser;
        if (key.isEmpty()) {
            this.key = new byte[32];
            new SecureRandom().nextBytes(this.key);
        } else {
            this.key = key.getBytes(StandardCharsets.UTF_8);
        }
    }

    @Override
    public String userId(HttpServletRequest request) {
        if (request.getCookies() == null) return null;
        for (Cookie c : request.getCookies()) {
            if (!c.getName().equals(COOKIE)) continue;
            int dot = c.getValue().lastIndexOf('.');
            if (dot <= 0) return null;
            String user = new String(Base64.getUrlDecoder().decode(c.getValue().substring(0, dot)), StandardCharsets.UTF_8);
            byte[] given = c.getValue().substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
            return MessageDigest.isEqual(given, sign(user).getBytes(StandardCharsets.US_ASCII)) ? user : null;
        }
        return null;
    }

    void signIn(HttpServletResponse response) {
        String user = Base64.getUrlEncoder().withoutPadding().encodeToString(demoUser.getBytes(StandardCharsets.UTF_8));
        response.addCookie(cookie(user + "." + sign(demoUser), -1));
    }

    void signOut(HttpServletResponse response) {
        response.addCookie(cookie("", 0));
    }

    private static Cookie cookie(String value, int maxAge) {
        Cookie c = new Cookie(COOKIE, value);
        c.setPath("/");
        c.setHttpOnly(true);
        c.setAttribute("SameSite", "Lax");
        c.setMaxAge(maxAge);
        return c;
    }

    private String sign(String user) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(user.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
