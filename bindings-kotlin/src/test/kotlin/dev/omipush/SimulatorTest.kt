package dev.omipush

import dev.omipush.testing.Simulator
import kotlin.time.Duration.Companion.milliseconds
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.TestInstance

/** A test class with its own simulator and a client of it (50 ms poll interval), closed after its tests. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SimulatorTest {
    protected val sim: Simulator = Simulator.start()
    protected val client = OmiClient(sim.clientConfig().copy(pollInterval = 50.milliseconds))

    @AfterAll
    fun closeSimulator() {
        client.close()
        sim.close()
    }
}
