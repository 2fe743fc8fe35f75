package io.till.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

    @Test
    void sealsSoThatOnlyTheSameKeyAndContextOpen(@TempDir Path dir) {
        var box = new SecretBox(KEY, dir);
        String sealed = box.seal("sk_live_secret", "acct_1/smtp");

        assertThat(sealed).startsWith("v1:").doesNotContain("sk_live_secret");
        assertThat(box.seal("sk_live_secret", "acct_1/smtp")).isNotEqualTo(sealed);
        assertThat(box.open(sealed, "acct_1/smtp")).isEqualTo("sk_live_secret");
        assertThatThrownBy(() -> box.open(sealed, "acct_2/smtp")).isInstanceOf(IllegalStateException.class);
        var other = new SecretBox(Base64.getEncoder().encodeToString(new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
                12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}),
            dir);
        assertThatThrownBy(() -> other.open(sealed, "acct_1/smtp")).isInstanceOf(IllegalStateException.class);
    }

    /** A start cut off while writing the key leaves only its unfinished copy, never an empty key file. */
    @Test
    void aKeyWrittenHalfwayByAnInterruptedStartIsWrittenAgain(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("master.key.new"), "");

        String sealed = new SecretBox("", dir).seal("x", "c");

        assertThat(new SecretBox(null, dir).open(sealed, "c")).isEqualTo("x");
        assertThat(dir.resolve("master.key.new")).doesNotExist();
    }

    @Test
    void generatesAMasterKeyOnceIntoTheDataDirectory(@TempDir Path dir) throws Exception {
        String sealed = new SecretBox("", dir).seal("x", "c");

        assertThat(Files.readString(dir.resolve("master.key")).strip()).hasSize(44);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(
            "master.key")))).as("readable by Till's user alone").isEqualTo("rw-------");
        assertThat(dir.resolve("master.key.new")).doesNotExist();
        assertThat(new SecretBox(null, dir).open(sealed, "c")).isEqualTo("x");
        assertThatThrownBy(() -> new SecretBox("c2hvcnQ=", dir)).hasMessageContaining("32 bytes");
    }
}
