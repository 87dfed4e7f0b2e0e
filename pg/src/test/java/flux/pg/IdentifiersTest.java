package flux.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdentifiersTest {

    @Test
    void quotingKeepsCaseAndSpacesAndDoublesEmbeddedQuotes() {
        assertThat(Identifiers.quote("Order")).isEqualTo("\"Order\"");
        assertThat(Identifiers.quote("a b")).isEqualTo("\"a b\"");
        assertThat(Identifiers.quote("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    }

    @Test
    void aQualifiedNameQuotesBothParts() {
        assertThat(Identifiers.qualified("t_acme_api", "Items")).isEqualTo("\"t_acme_api\".\"Items\"");
    }

    @Test
    void aNameWithNulIsRefused() {
        assertThatThrownBy(() -> Identifiers.quote("a\0b")).isInstanceOf(IllegalArgumentException.class);
    }
}
