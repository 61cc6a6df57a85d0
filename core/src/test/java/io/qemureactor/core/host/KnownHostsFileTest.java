package io.qemureactor.core.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownHostsFileTest {

    private static final String GOOD = "[127.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEbS6TQmdcbhRBuM7BmFEfaN5qDvh0gQ3hrV1fKkP6jp";

    @TempDir
    Path dir;

    @Test
    void wellFormedLinesCommentsAndBlanksPass() throws Exception {
        Path file = Files.writeString(dir.resolve("known_hosts"), "# comment\n\n" + GOOD + "\n"
                + "@cert-authority *.example.org " + GOOD.substring(GOOD.indexOf(' ') + 1) + "\n"
                + "|1|c2FsdA==|aGFzaA== " + GOOD.substring(GOOD.indexOf(' ') + 1) + " a comment\n");
        KnownHostsFile.check(file);
    }

    @Test
    void aMissingFileIsFine() {
        KnownHostsFile.check(dir.resolve("absent"));
    }

    @Test
    void aBadKeyNamesTheFileAndTheLine() throws Exception {
        Path file = Files.writeString(dir.resolve("known_hosts"), GOOD + "\nhost ssh-ed25519 not*base64\n");
        assertThatThrownBy(() -> KnownHostsFile.check(file))
                .isInstanceOf(HostException.class)
                .hasMessageStartingWith(file + " line 2: the ssh-ed25519 key is not valid base64");
    }

    @Test
    void tooFewFieldsAndBadHashesAreSaid() {
        assertThat(KnownHostsFile.problem("host ssh-ed25519")).contains("found 2 field(s)");
        assertThat(KnownHostsFile.problem("|1|???|x ssh-ed25519 AAAA")).contains("hashed host name");
    }
}
