package flux.dev.testing;

import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Gives a test method a {@link Seed} parameter: a fresh one per test, or the value of
 * {@code -Dflux.test.seed} to replay a run. When the test fails, the seed is printed and added
 * to the failure, so the report says how to replay it:
 *
 * <pre>{@code
 * @ExtendWith(Seeds.class)
 * class FooIT {
 *     @Test
 *     void mixedWritesKeepTheirOrder(Seed seed) {
 *         Random random = seed.random();
 *         ...
 *     }
 * }
 * }</pre>
 * Replay one test: {@code ./mvnw -pl history -am verify -Dit.test=FooIT#mixedWritesKeepTheirOrder
 * -Dflux.test.seed=-4211...} (failsafe passes system properties to the test JVM).
 */
public final class Seeds implements ParameterResolver, TestExecutionExceptionHandler {
    /** The system property that fixes the seed. */
    public static final String PROPERTY = "flux.test.seed";
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(Seeds.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Seed.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent("seed", k -> choose(), Seed.class);
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        Seed seed = context.getStore(NAMESPACE).get("seed", Seed.class);
        if (seed != null) {
            String replay = context.getDisplayName() + " failed with seed " + seed + "; replay with -D" + PROPERTY + "="
                    + seed;
            System.err.println(replay);
            failure.addSuppressed(new SeedOfTheFailure(replay));
        }
        throw failure;
    }

    private static Seed choose() {
        String fixed = System.getProperty(PROPERTY, "").strip();
        if (!fixed.isEmpty()) {
            return new Seed(Long.parseLong(fixed));
        }
        return new Seed(ThreadLocalRandom.current().nextLong());
    }

    /** Carries the replay line into the failure's report. */
    static final class SeedOfTheFailure extends Exception {
        SeedOfTheFailure(String message) {
            super(message, null, false, false);
        }
    }
}
