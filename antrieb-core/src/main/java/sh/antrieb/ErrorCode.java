package sh.antrieb;

/**
 * What went wrong, as a stable code: every {@link AntriebException} carries one ({@link AntriebException#code()}), so
 * that programs, the JUnit extension, runbooks and the MCP tools choose on the code and never on message text
 * (which is for people, and changes). Each exception type has a default code; a more specific one is set where it
 * is raised.
 */
public enum ErrorCode {
    /** Anything without a more specific code (the default of a plain {@link AntriebException}). */
    FAILED,

    // ---- the request ------------------------------------------------------------------------------------

    /** A cluster specification that cannot be satisfied as written ({@link InvalidSpecException}'s default). */
    INVALID_SPEC,
    /**
     * A cluster specification that leaves out what its other parts need ({@link InvalidSpecException}): the
     * subject says what is missing: field {@code networks} (NICs given, no networks declared), or field
     * {@code nics} of a node (networks declared, that node lists no NICs).
     */
    INCOMPLETE_SPEC,
    /** An image name that is none of the images the host or the namespace has. */
    UNKNOWN_IMAGE,
    /** A node name the cluster does not have ({@link NoSuchNodeException}). */
    NO_SUCH_NODE,
    /** A cluster whose TTL ran out or that was closed ({@link ClusterExpiredException}). */
    CLUSTER_EXPIRED,
    /** Over a configured limit: nodes per cluster, TTL ({@link LimitExceededException}'s default). */
    LIMIT_EXCEEDED,
    /** The limit of concurrent clusters is reached: close one, or raise the limit. */
    CONCURRENT_CLUSTERS,

    // ---- the host ---------------------------------------------------------------------------------------

    /** Provisioning started and did not finish; what it created is gone ({@link ProvisionException}). */
    PROVISION_FAILED,
    /** The host lacks something Antrieb needs: packages, libvirtd, an image cache ({@link HostNotReadyException}). */
    HOST_NOT_READY,
    /** The libvirt connection was lost ({@link HostUnavailableException}). */
    HOST_UNAVAILABLE,
    /** A network's subnet or bridge is taken by another network on the host (another process took it meanwhile). */
    NETWORK_IN_USE,

    // ---- the catalog ({@link CatalogException}) -----------------------------------------------------------

    /** A name or namespace breaks the naming rule. */
    INVALID_NAME,
    /** A write into the built-in, read-only {@code antrieb} namespace. */
    READ_ONLY,
    /** No artifact of that type and name. */
    NOT_FOUND,
    /** The artifact's content does not validate (a runbook that does not parse, a bad network spec). */
    INVALID,
    /** A name that matches artifacts of several types where one was expected. */
    AMBIGUOUS,
    /** The operation is not possible on this host (e.g. saving a disk of a remote libvirt host). */
    NOT_AVAILABLE,
    /**
     * A name in a namespace the caller may not use: provisioning on behalf of a namespace
     * ({@link ProvisionOptions#namespace(String)}) reaches only that namespace's artifacts and the built-in
     * {@code antrieb/*} ones.
     */
    FORBIDDEN_NAMESPACE,

    // ---- runbooks ---------------------------------------------------------------------------------------

    /** A runbook that cannot be parsed or run as written, or a cluster that does not match its topology. */
    INVALID_RUNBOOK
}
