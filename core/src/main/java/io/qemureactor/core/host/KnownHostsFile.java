package io.qemureactor.core.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * Checks a {@code known_hosts} file before JSch reads it: JSch reports a malformed entry as
 * {@code fromBase64: invalid base64 data}, without the file or the line; this names both.
 */
final class KnownHostsFile {

    private KnownHostsFile() {
    }

    /** Fails with a {@link HostException} naming {@code file} and the first malformed line; a missing file is fine. */
    static void check(Path file) {
        if (!Files.exists(file)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new HostException("cannot read " + file + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String problem = problem(lines.get(i).strip());
            if (problem != null) {
                throw new HostException(file + " line " + (i + 1) + ": " + problem
                        + "; fix or remove that line (ssh-keygen -R HOST -f " + file + ")");
            }
        }
    }

    /** What is wrong with one line, or null: {@code [@marker] hosts keytype base64-key [comment]}. */
    static String problem(String line) {
        if (line.isEmpty() || line.startsWith("#")) {
            return null;
        }
        String[] fields = line.split("\\s+");
        int first = fields[0].startsWith("@") ? 1 : 0;
        if (fields.length < first + 3) {
            return "expected \"hosts key-type base64-key\", found " + (fields.length - first) + " field(s)";
        }
        String hosts = fields[first];
        if (hosts.startsWith("|1|")) {
            String[] hashed = hosts.substring(3).split("\\|", -1);
            if (hashed.length != 2 || !isBase64(hashed[0]) || !isBase64(hashed[1])) {
                return "the hashed host name is not |1|base64-salt|base64-hash";
            }
        }
        if (!isBase64(fields[first + 2])) {
            return "the " + fields[first + 1] + " key is not valid base64";
        }
        return null;
    }

    private static boolean isBase64(String s) {
        if (s.isEmpty()) {
            return false;
        }
        try {
            Base64.getDecoder().decode(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
