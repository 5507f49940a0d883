package dev.omipush.examples.spring;

import dev.omipush.spring.RequiresStepUp;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.util.HtmlUtils;

/** The shop's pages: home (sign in), and two pages behind a confirmation on the phone. */
@Controller
public class ShopController {
    private final DemoLogin login;

    public ShopController(DemoLogin login) {
        this.login = login;
    }

    @GetMapping(value = "/", produces = MediaType.TEXT_HTML_VALUE)
    @ResponseBody
    public String home(HttpServletRequest request) {
        String user = login.userId(request);
        if (user == null) {
            return page("Demo shop", "<p>You are signed out.</p>"
                    + "<form method=\"post\" action=\"/login\"><button type=\"submit\">Sign in as "
                    + HtmlUtils.htmlEscape(login.demoUser) + "</button></form>");
        }
        return page("Demo shop", "<p>Signed in as " + HtmlUtils.htmlEscape(user) + ".</p><ul>"
                + "<li><a href=\"/payment-method\">Change payment method</a></li>"
                + "<li><a href=\"/card-number\">View card number</a></li></ul>"
                + "<form method=\"post\" action=\"/logout\"><button type=\"submit\">Sign out</button></form>");
    }

    @PostMapping("/login")
    public String signIn(HttpServletResponse response) {
        login.signIn(response);
        return "redirect:/";
    }

    @PostMapping("/logout")
    public String signOut(HttpServletResponse response) {
        login.signOut(response);
        return "redirect:/";
    }

    /** Runs only once the user has confirmed it on their phone (a fresh approval, spent here). */
    @GetMapping(value = "/payment-method", produces = MediaType.TEXT_HTML_VALUE)
    @ResponseBody
    @RequiresStepUp("change-payment-method")
    public String paymentMethod(HttpServletRequest request) {
        return page("Change payment method", "<p id=\"confirmed\">Confirmed on your phone, "
                + HtmlUtils.htmlEscape(login.userId(request)) + ". Enter your new card below.</p>"
                + "<p><label>Card number <input name=\"card\" autocomplete=\"cc-number\"></label></p>"
                + "<p><a href=\"/\">Back to the shop</a></p>");
    }

    /** Another action: an approval of the payment change does not open this one. */
    @GetMapping(value = "/card-number", produces = MediaType.TEXT_HTML_VALUE)
    @ResponseBody
    @RequiresStepUp("view-card-number")
    public String cardNumber() {
        return page("Card number", "<p id=\"card\">•••• •••• •••• 4242</p><p><a href=\"/\">Back to the shop</a></p>");
    }

    private static String page(String title, String body) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title
                + "</title></head><body><main><h1>" + title + "</h1>" + body + "</main></body></html>";
    }
}
