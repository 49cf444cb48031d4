package sh.antrieb.mcp.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import sh.antrieb.Antrieb;
import sh.antrieb.NetworkSpec;
import sh.antrieb.mcp.Account;
import sh.antrieb.mcp.Catalog;
import sh.antrieb.mcp.CatalogException;

/**
 * The tools' catalog backed by the core catalog ({@link Antrieb#catalog(String)}): each account saves into,
 * searches and deletes from its own namespace, and sees the built-in {@code antrieb/*} artifacts. Core
 * errors keep their codes ({@code invalid_name}, {@code read_only}, {@code not_found}, ...).
 */
public final class CoreCatalog implements Catalog {
    private final Supplier<Antrieb> antrieb;

    /** A catalog over {@code antrieb}'s store. */
    public CoreCatalog(Antrieb antrieb) {
        this.antrieb = () -> antrieb;
    }

    private sh.antrieb.Catalog of(Account a) {
        return call(() -> antrieb.get().catalog(a.namespace()));
    }

    @Override
    public Artifact save(Account owner, SaveRequest r) {
        sh.antrieb.Catalog c = of(owner);
        return call(() -> switch (r.type()) {
            case IMAGE -> {
                sh.antrieb.Image img = c.saveImage(r.cluster(), r.node(), r.name(), r.commands(), r.description());
                yield fetch(owner, Type.IMAGE, img.ani()).map(a -> withoutBody(a)).orElseThrow();
            }
            case RUNBOOK -> convert(c.saveRunbook(r.name(), r.body(), r.description()));
            case NETWORK -> {
                NetworkSpec spec = sh.antrieb.NetworkSpec.named(r.name());
                if (r.cidr() != null) {
                    spec = spec.cidr(r.cidr());
                }
                if (r.egress() != null) {
                    spec = spec.egress(r.egress());
                }
                if (r.dhcp() != null) {
                    spec = spec.dhcp(r.dhcp());
                }
                yield convert(c.saveNetwork(r.name(), spec, r.description()));
            }
        });
    }

    @Override
    public List<Artifact> search(Account viewer, Type type, String keywords, int limit) {
        return call(() -> of(viewer).search(core(type), keywords, limit).stream().map(CoreCatalog::convert).toList());
    }

    @Override
    public Optional<Artifact> fetch(Account viewer, Type type, String fqName) {
        return call(() -> of(viewer).fetch(core(type), fqName).map(CoreCatalog::convert));
    }

    @Override
    public void delete(Account owner, Type type, String name) {
        boolean deleted = call(() -> of(owner).delete(core(type), name));
        if (!deleted) {
            throw new CatalogException("not_found", "no saved " + type.wireName() + " '" + name + "' in namespace " + owner.namespace());
        }
    }

    private static sh.antrieb.Catalog.Type core(Type t) {
        return sh.antrieb.Catalog.Type.valueOf(t.name());
    }

    private static Artifact withoutBody(Artifact a) {
        return new Artifact(a.type(), a.fqName(), a.description(), a.builtin(), null, a.attributes());
    }

    private static Artifact convert(sh.antrieb.Artifact a) {
        Map<String, Object> attrs = new LinkedHashMap<>(a.attributes());
        attrs.put("version", a.version());
        if (a.createdAt() != null) {
            attrs.put("created_at", a.createdAt().toString());
        }
        return new Artifact(Type.valueOf(a.type().name()), a.fqName(), a.description(), a.builtin(), a.body(), attrs);
    }

    private static <T> T call(Supplier<T> body) {
        try {
            return body.get();
        } catch (sh.antrieb.CatalogException e) {
            throw new CatalogException(AntriebTools.wireName(e.code()), e.getMessage());
        }
    }
}
