package sh.antrieb.mcp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import sh.antrieb.ErrorCode;

/** The MCP's names of core's error codes: what clients match on, so they must not change by accident. */
class WireNamesTest {
    @Test
    void everyCodeHasTheWireNameClientsKnow() {
        assertThat(AntriebTools.wireName(ErrorCode.FAILED)).isEqualTo("failed");
        assertThat(AntriebTools.wireName(ErrorCode.INVALID_SPEC)).isEqualTo("invalid_arguments");
        assertThat(AntriebTools.wireName(ErrorCode.INVALID_RUNBOOK)).isEqualTo("invalid_arguments");
        assertThat(AntriebTools.wireName(ErrorCode.UNKNOWN_IMAGE)).isEqualTo("unknown_image");
        assertThat(AntriebTools.wireName(ErrorCode.NO_SUCH_NODE)).isEqualTo("unknown_node");
        assertThat(AntriebTools.wireName(ErrorCode.CLUSTER_EXPIRED)).isEqualTo("cluster_expired");
        assertThat(AntriebTools.wireName(ErrorCode.LIMIT_EXCEEDED)).isEqualTo("limit_exceeded");
        assertThat(AntriebTools.wireName(ErrorCode.CONCURRENT_CLUSTERS)).isEqualTo("limit_exceeded");
        assertThat(AntriebTools.wireName(ErrorCode.PROVISION_FAILED)).isEqualTo("provision_failed");
        assertThat(AntriebTools.wireName(ErrorCode.HOST_NOT_READY)).isEqualTo("host_not_ready");
        assertThat(AntriebTools.wireName(ErrorCode.HOST_UNAVAILABLE)).isEqualTo("host_unavailable");
        assertThat(AntriebTools.wireName(ErrorCode.NETWORK_IN_USE)).isEqualTo("failed");
        // The catalog's codes went out under their own names before core had one code for everything.
        for (ErrorCode c : EnumSet.range(ErrorCode.INVALID_NAME, ErrorCode.FORBIDDEN_NAMESPACE)) {
            assertThat(AntriebTools.wireName(c)).isEqualTo(c.name().toLowerCase(Locale.ROOT));
        }
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(AntriebTools.wireName(c)).matches("[a-z]+(_[a-z]+)*");
        }
    }
}
