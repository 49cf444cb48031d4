package sh.antrieb.runbook.validation;

import java.util.Locale;

/**
 * Why a command of the code failed, as far as its output, exit status and the node's state show. Each
 * {@link Finding} has one, with the evidence (the lines) it was read from.
 */
public enum Cause {
    /** A command is missing and a known Debian package provides it, or the package manager could not find a package. */
    MISSING_PACKAGE,
    /** The shell could not find a command (exit 127) that no known package provides: a typo, or a path not there. */
    COMMAND_NOT_FOUND,
    /** A systemd unit failed to start or is in state failed; the evidence holds its status and journal lines. */
    UNIT_FAILED,
    /** Permission denied, operation not permitted, read-only file system. */
    PERMISSION,
    /** A name did not resolve, a connection was refused or timed out, a network is unreachable. */
    NETWORK,
    /** The command ran past its timeout and was killed. */
    TIMEOUT,
    /** The node could not be reached (exit -1 without a timeout): it rebooted, or the cluster is gone. */
    UNREACHABLE,
    /** A verify check failed after every step passed. */
    VERIFY_FAILED,
    /** The second run of a step changed files (named in the evidence) or failed where the first passed. */
    NOT_IDEMPOTENT,
    /** A non-zero exit status with nothing more specific in the output. */
    COMMAND_FAILED;

    /** The lower-case name with underscores, as JSON spells it, e.g. {@code missing_package}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
