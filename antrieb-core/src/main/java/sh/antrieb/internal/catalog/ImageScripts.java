package sh.antrieb.internal.catalog;

import java.util.List;

/** The scripts written beside a saved image: {@code build-image.sh} and {@code startup.sh}. */
final class ImageScripts {
    private ImageScripts() {
    }

    /**
     * {@code build-image.sh}: run as root in a fresh node of {@code base}, it runs {@code commands} in order,
     * each in its own {@code bash -c} as {@code exec} ran it, and stops at the first failure.
     */
    static String buildImage(String ani, String fqName, String base, List<String> commands) {
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/bash\n")
                .append("# build-image.sh: rebuilds image ").append(ani).append(" (").append(fqName).append(") from its base image.\n")
                .append("#   base:  ").append(base).append('\n')
                .append("#   usage: run as root in a fresh node of the base image, e.g.\n")
                .append("#            cluster.exec(\"node1\", <this file's text>)   or   bash build-image.sh\n")
                .append("#          then save that node to get the image again.\n")
                .append("# Each command runs in its own bash, in the order given when the image was saved; the first\n")
                .append("# failure stops the build with its exit code.\n")
                .append("set -u\n")
                .append("step() {\n")
                .append("  echo \"==> build-image.sh: step $1 of ").append(commands.size()).append("\" >&2\n")
                .append("  bash -c \"$2\"\n")
                .append("  rc=$?\n")
                .append("  if [ \"$rc\" -ne 0 ]; then echo \"build-image.sh: step $1 failed (exit $rc)\" >&2; exit \"$rc\"; fi\n")
                .append("}\n");
        for (int i = 0; i < commands.size(); i++) {
            s.append("step ").append(i + 1).append(' ').append(quote(commands.get(i))).append('\n');
        }
        s.append("echo '==> build-image.sh: done' >&2\n");
        return s.toString();
    }

    /**
     * {@code startup.sh}: starts the services that ran on the saved node without being enabled (enabled ones
     * start at boot by themselves). Idempotent.
     */
    static String startup(String ani, List<String> services) {
        StringBuilder s = new StringBuilder("#!/bin/sh\n")
                .append("# startup.sh of image ").append(ani).append(": brings a node booted from it to the state the saved node\n")
                .append("# was in. Enabled services start at boot by themselves; this starts the ones that were running\n")
                .append("# without being enabled. Run it as root on a node of this image; running it twice is harmless.\n")
                .append("set -e\n");
        if (services.isEmpty()) {
            s.append("# Nothing to start: every running service of the saved node was enabled.\n");
        } else {
            s.append("systemctl start");
            services.forEach(u -> s.append(' ').append(quote(u)));
            s.append('\n');
        }
        return s.append("exit 0\n").toString();
    }

    /** A single-quoted shell word. */
    static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
