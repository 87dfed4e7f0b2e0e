package flux.tenancy;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What an API key may do. Each role includes the ones before it. */
public enum Role {
    READ_ONLY("read-only"),
    READ_WRITE("read-write"),
    ADMIN("admin");

    private final String label;

    Role(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean includes(Role needed) {
        return compareTo(needed) >= 0;
    }

    public static Role parse(String label) {
        for (Role role : values()) {
            if (role.label.equals(label)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role \"" + label + "\" (expected one of "
                + Arrays.stream(values()).map(Role::label).collect(Collectors.joining(", ")) + ")");
    }
}
