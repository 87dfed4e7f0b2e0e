package flux.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChecksumTest {

    @Test
    void lineEndingsAndAByteOrderMarkDoNotChangeTheChecksum() {
        String unix = "CREATE TABLE a (id int);\nSELECT 1;\n";
        assertThat(Checksum.of("CREATE TABLE a (id int);\r\nSELECT 1;\r\n")).isEqualTo(Checksum.of(unix));
        assertThat(Checksum.of("CREATE TABLE a (id int);\rSELECT 1;\r")).isEqualTo(Checksum.of(unix));
        assertThat(Checksum.of("\uFEFF" + unix)).isEqualTo(Checksum.of(unix));
    }

    @Test
    void anyOtherEditChangesTheChecksum() {
        String sql = "CREATE TABLE a (id int);\n";
        assertThat(Checksum.of(sql + " ")).isNotEqualTo(Checksum.of(sql));
        assertThat(Checksum.of(sql.replace("int", "bigint"))).isNotEqualTo(Checksum.of(sql));
        assertThat(Checksum.of("-- note\n" + sql)).isNotEqualTo(Checksum.of(sql));
    }

    @Test
    void isSha256Hex() {
        assertThat(Checksum.of("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
