package flux.app.cli;

import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Defaults that come from environment variables, read from the environment the CLI was given
 * (the process's, or a test's) rather than from {@code ${env:...}} in annotations, which
 * picocli always resolves against the process. Options not listed here keep their annotated
 * default; a listed variable that is unset falls back to the annotated default too.
 */
public final class EnvironmentDefaults implements IDefaultValueProvider {
    /** Option (longest name) to the variable that supplies its default. */
    private static final Map<String, String> VARIABLES = Map.of(
            "--database-url", "DATABASE_URL",
            "--bootstrap-servers", "KAFKA_BOOTSTRAP_SERVERS",
            "--data-dir", "FLUX_HOME");

    private final Map<String, String> environment;

    public EnvironmentDefaults(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        String variable = VARIABLES.get(option.longestName());
        String value = variable == null ? null : environment.get(variable);
        return value == null || value.isBlank() ? null : value;
    }
}
