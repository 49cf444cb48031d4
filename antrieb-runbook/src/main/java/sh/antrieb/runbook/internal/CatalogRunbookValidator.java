package sh.antrieb.runbook.internal;

import sh.antrieb.RunbookValidator;
import sh.antrieb.runbook.Runbook;

/**
 * Lets the core catalog validate runbooks with this module's full parser before saving them. Registered
 * through {@code META-INF/services}, so core finds it when this module is on the class path without
 * depending on it.
 */
public final class CatalogRunbookValidator implements RunbookValidator {

    /** Parses {@code markdown}; a {@code RunbookException} lists every problem with its line. */
    @Override
    public void validate(String markdown) {
        Runbook.parse(markdown);
    }
}
