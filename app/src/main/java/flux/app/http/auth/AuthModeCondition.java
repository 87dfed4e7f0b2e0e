package flux.app.http.auth;

import io.micronaut.context.condition.Condition;
import io.micronaut.context.condition.ConditionContext;
import io.micronaut.core.value.PropertyResolver;
import java.util.Optional;

/**
 * Which authentication filter loads: {@link OpenAuthFilter} when {@code flux.auth.mode} is
 * {@code open}, {@link KeyAuthFilter} otherwise. Exactly one of them, and the key filter
 * whenever in doubt: the property missing, misspelt (the key filter then refuses to start), or
 * not readable from the context. (Public with public constructors: Micronaut instantiates
 * conditions reflectively.)
 */
public final class AuthModeCondition {
    static final String PROPERTY = "flux.auth.mode";

    private AuthModeCondition() {
    }

    static boolean open(ConditionContext context) {
        return context.getBeanContext() instanceof PropertyResolver properties
                && open(properties.getProperty(PROPERTY, String.class));
    }

    /** The decision, on the configured value: open only when it names open mode. */
    static boolean open(Optional<String> configured) {
        try {
            return AuthMode.parse(configured.orElse(AuthMode.KEYS.label())) == AuthMode.OPEN;
        } catch (IllegalArgumentException misspelt) {
            return false;
        }
    }

    /** Loads {@link OpenAuthFilter}. */
    public static final class Open implements Condition {
        public Open() {
        }

        @Override
        public boolean matches(ConditionContext context) {
            return open(context);
        }
    }

    /** Loads {@link KeyAuthFilter}. */
    public static final class Keys implements Condition {
        public Keys() {
        }

        @Override
        public boolean matches(ConditionContext context) {
            return !open(context);
        }
    }
}
