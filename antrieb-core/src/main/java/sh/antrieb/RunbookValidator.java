package sh.antrieb;

/**
 * Checks a runbook's markdown before the {@link Catalog} saves it. Found with {@link java.util.ServiceLoader}:
 * the {@code antrieb-runbook} module registers one that runs its full parser (sections, fenced blocks,
 * topology). Without it on the class path the catalog checks only the product's headings itself, so core
 * does not depend on the runbook module.
 */
public interface RunbookValidator {

    /**
     * Validates {@code markdown}.
     *
     * @throws RuntimeException whose message lists what is wrong (line numbers welcome); the catalog
     *                          reports it as {@link ErrorCode#INVALID}
     */
    void validate(String markdown);
}
