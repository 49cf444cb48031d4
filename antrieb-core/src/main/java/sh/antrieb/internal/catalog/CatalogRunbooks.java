package sh.antrieb.internal.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.Catalog;
import sh.antrieb.CatalogException;
import sh.antrieb.ErrorCode;
import sh.antrieb.RunbookValidator;

/**
 * Runbooks in the catalog: saving one after it validates (through the {@link RunbookValidator}s on the class path,
 * else a minimal check of its headings), its title, and the built-in runbooks the antrieb-runbook module ships.
 */
final class CatalogRunbooks {
    // Logs under the facade's name, as before the catalog was split: log configuration keeps working.
    private static final Logger log = LoggerFactory.getLogger(CatalogService.class);
    /** Where the antrieb-runbook module keeps its built-in runbooks (read as resources: no dependency). */
    static final String BUILTIN_RUNBOOKS = "/sh/antrieb/runbook/builtin/";
    private static final int MAX_BODY = 1 << 20;

    private final CatalogStore store;
    private final List<RunbookValidator> validators;

    CatalogRunbooks(CatalogStore store) {
        this.store = store;
        List<RunbookValidator> v = new ArrayList<>();
        ServiceLoader.load(RunbookValidator.class).forEach(v::add);
        this.validators = List.copyOf(v);
    }

    /** Saves {@code markdown}, once it validates, as a new version of runbook {@code namespace}/{@code name}. */
    CatalogStore.Entry saveRunbook(String namespace, String name, String markdown, String description) {
        Names.checkWritable(namespace, "save runbook " + name);
        Names.checkName(name);
        validateRunbook(markdown);
        String desc = description == null || description.isBlank() ? runbookTitle(markdown) : Names.checkDescription(description);
        try (CatalogStore.Staging s = store.stage(Catalog.Type.RUNBOOK, namespace, name)) {
            CatalogStore.writeFile(s.dir().resolve("runbook.md"), markdown, false);
            return store.commit(s, version -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("description", desc);
                m.put("title", runbookTitle(markdown));
                return m;
            });
        }
    }

    private void validateRunbook(String markdown) {
        if (markdown == null || markdown.isBlank()) {
            throw new CatalogException(ErrorCode.INVALID, "runbook body is empty: give markdown with a '# Title' and "
                    + "'## Topology required', '## Steps' and '## Verify' sections");
        }
        if (markdown.length() > MAX_BODY) {
            throw new CatalogException(ErrorCode.INVALID, "runbook body is " + markdown.length() + " characters, at most " + MAX_BODY);
        }
        if (validators.isEmpty()) {
            List<String> missing = new ArrayList<>();
            if (markdown.lines().noneMatch(l -> l.startsWith("# "))) {
                missing.add("a '# Title' line");
            }
            if (markdown.lines().noneMatch(l -> l.strip().toLowerCase(Locale.ROOT).equals("## steps"))) {
                missing.add("a '## Steps' section");
            }
            if (!missing.isEmpty()) {
                throw new CatalogException(ErrorCode.INVALID, "runbook does not validate: it lacks " + String.join(" and ", missing));
            }
            return;
        }
        for (RunbookValidator v : validators) {
            try {
                v.validate(markdown);
            } catch (RuntimeException e) {
                throw new CatalogException(ErrorCode.INVALID, "runbook does not validate: " + e.getMessage(), e);
            }
        }
    }

    /** The text of the runbook's first {@code # Title} line, or empty. */
    static String runbookTitle(String markdown) {
        return markdown.lines().filter(l -> l.startsWith("# ")).map(l -> l.substring(2).strip()).findFirst().orElse("");
    }

    /** Fully qualified names of the built-in runbooks (empty when the runbook module is not on the class path). */
    static List<String> builtinRunbooks() {
        String index = resource(BUILTIN_RUNBOOKS + "index.txt");
        return index == null ? List.of() : index.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    /** The markdown of built-in runbook {@code fqName}, or {@code null} when there is none. */
    static String builtinRunbook(String fqName) {
        return builtinRunbooks().contains(fqName) ? resource(BUILTIN_RUNBOOKS + fqName + ".md") : null;
    }

    private static String resource(String path) {
        try (InputStream in = CatalogRunbooks.class.getResourceAsStream(path)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.warn("cannot read resource {}: {}", path, e.toString());
            return null;
        }
    }
}
