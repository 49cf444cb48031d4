package sh.antrieb.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The cluster the integration tests use unless their meaning needs more: one {@code debian12} node with
 * 1 vCPU and 768 MiB, quick to boot under software emulation. Also shows {@link AntriebCluster} as a
 * meta-annotation.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@AntriebCluster(nodes = "debian12", vcpus = 1, memoryMiB = 768)
@interface SmallNode {
}
