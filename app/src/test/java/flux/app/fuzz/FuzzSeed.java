package flux.app.fuzz;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * For the properties that run on a random seed: prints the seed each run used, and replays one
 * when {@code -Dflux.fuzz.seed=<seed>} is given (e.g. {@code ./mvnw -pl app -am verify
 * -Dit.test=HostileInputFuzzIT -Dflux.fuzz.seed=-4711...}), so a failure seen once in CI can be run again.
 */
public final class FuzzSeed implements AroundPropertyHook {
    static final String PROPERTY = "flux.fuzz.seed";

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        String replay = System.getProperty(PROPERTY, "");
        if (!replay.isBlank()) {
            context.attributes().setSeed(replay.strip());
        }
        PropertyExecutionResult result = property.execute();
        System.out.printf("fuzz %s: %d cases, seed %s (replay with -D%s=%s)%n", context.label(), result.countTries(),
                result.seed().orElse("?"), PROPERTY, result.seed().orElse("?"));
        return result;
    }
}
