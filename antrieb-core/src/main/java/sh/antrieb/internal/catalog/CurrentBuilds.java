package sh.antrieb.internal.catalog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import sh.antrieb.internal.ImageStore;

/**
 * The built-in images' builds of today's recipes, by cache name ({@code debian12}, {@code stack-podman}) to recipe
 * hash: what the sweep keeps of the image cache ({@link sh.antrieb.internal.RecipeBuilds}). The recipes are
 * resources of this jar, so they are hashed once, when this class is first read (on the first sweep), not on every one.
 */
final class CurrentBuilds {
    static final Map<String, String> HASHES;

    static {
        Map<String, String> out = new LinkedHashMap<>();
        ImageStore.baseNames().forEach(b -> out.put(b, ImageStore.recipeHash(b)));
        StackImages.RECIPES.keySet().forEach(s -> out.put(StackImages.cacheName(s), StackImages.hash(s)));
        HASHES = Collections.unmodifiableMap(out);
    }

    private CurrentBuilds() {
    }
}
