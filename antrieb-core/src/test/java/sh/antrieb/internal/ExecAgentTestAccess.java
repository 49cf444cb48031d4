package sh.antrieb.internal;

import java.time.Duration;

import sh.antrieb.Cluster;

/** Lets integration tests wait until commands go through the nodes' exec agents. */
public final class ExecAgentTestAccess {
    private ExecAgentTestAccess() {
    }

    public static boolean awaitAgents(Cluster cluster, Duration timeout) throws InterruptedException {
        return ((LibvirtCluster) cluster).awaitExecAgents(timeout);
    }
}
