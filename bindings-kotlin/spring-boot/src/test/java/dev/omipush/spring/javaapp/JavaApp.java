package dev.omipush.spring.javaapp;

import dev.omipush.spring.RequiresStepUp;
import dev.omipush.spring.StepUpUserResolver;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A Java app using the starter: the annotation on a handler, the current user from its own bean. */
@SpringBootApplication
public class JavaApp {
    @Bean
    StepUpUserResolver currentUser() {
        return request -> request.getHeader("X-User");
    }

    @RestController
    static class PaymentController {
        @GetMapping("/payment-method")
        @RequiresStepUp("change-payment-method")
        public String paymentMethod() {
            return "payment method page";
        }
    }
}
