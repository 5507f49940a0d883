package dev.omipush.ktor

// The binding README's Ktor example, compiled here (the core module's ExamplesTest checks that
// the README shows exactly this code) and run by ReadmeExampleTest.

import dev.omipush.StepUp
import dev.omipush.StepUpFlow
import io.ktor.server.application.Application
import io.ktor.server.application.ApplicationCall
import io.ktor.server.application.install
import io.ktor.server.response.respondText
import io.ktor.server.routing.get
import io.ktor.server.routing.route
import io.ktor.server.routing.routing

// readme:ktor
/** The shop: "change payment method" only after the user confirms it on their phone. */
fun Application.shop(stepUp: StepUp, currentUser: suspend (ApplicationCall) -> String?) {
    install(OmiStepUp) {
        flow = StepUpFlow(stepUp, mount = "/step-up", message = "Confirm the change of your payment method")
        userId { call -> currentUser(call) } // the app's own login (its session)
    }
    routing {
        stepUpRoutes() // the device picker, the waiting page and its status route under /step-up
        route("/payment") {
            install(RequireStepUp) { action = "change-payment-method" }
            get { call.respondText("Change your payment method") } // once per approval
        }
    }
}
// end
