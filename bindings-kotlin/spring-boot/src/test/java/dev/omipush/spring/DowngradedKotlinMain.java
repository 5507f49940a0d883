package dev.omipush.spring;

/** Runs the starter's start-up check in a JVM whose classpath has older Kotlin and coroutines. */
public final class DowngradedKotlinMain {
    public static void main(String[] args) {
        try {
            KotlinRuntimeCheck.require();
            System.out.println("accepted");
        } catch (IllegalStateException e) {
            System.out.println("refused: " + e.getMessage());
        }
    }
}
