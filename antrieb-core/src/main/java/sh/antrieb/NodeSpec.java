package sh.antrieb;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A group of identical nodes in a cluster specification: {@code count} VMs booted from {@code image}.
 *
 * <p>A controller node (for example an Ansible control node managing the others) is the one node a
 * cluster may have beyond the usual maximum. A node group is a controller when it says so, or when its
 * image name ends in {@code -controller}.
 *
 * @param image      image name in one of the forms of {@link ImageRef}, e.g. {@code debian12}, {@code my-nginx},
 *                   {@code antrieb:debian12:v1}
 * @param count      how many nodes, at least 1
 * @param controller whether these nodes are controller nodes
 */
public record NodeSpec(String image, int count, boolean controller) {
    private static final Pattern SHORTHAND = Pattern.compile("\\s*(\\S+)(?:\\s+[xX](\\d+))?\\s*");

    /** Validates the group. */
    public NodeSpec {
        ImageRef.parse(image);  // throws naming the forms of an image name
        if (count < 1) {
            throw new InvalidSpecException("node count for image '" + image + "' must be at least 1, was " + count);
        }
    }

    /** {@code count} nodes of {@code image}; a controller when the image name ends in {@code -controller}. */
    public static NodeSpec of(String image, int count) {
        return new NodeSpec(image, count, image != null && image.endsWith("-controller"));
    }

    /** One controller node of {@code image}. */
    public static NodeSpec controller(String image) {
        return new NodeSpec(image, 1, true);
    }

    /**
     * Parses the shorthand of the product: {@code "debian12"} is one node, {@code "debian12 x3"} three.
     *
     * @throws InvalidSpecException naming the expected form when the text does not match it
     */
    public static NodeSpec parse(String shorthand) {
        if (shorthand == null || shorthand.isBlank()) {
            throw new InvalidSpecException("empty node shorthand: write an image name, optionally with a count, e.g. \"debian12\" or \"debian12 x3\"");
        }
        Matcher m = SHORTHAND.matcher(shorthand);
        if (!m.matches()) {
            throw new InvalidSpecException("malformed node shorthand \"" + shorthand
                    + "\": expected \"<image>\" or \"<image> x<count>\", e.g. \"debian12 x3\"");
        }
        String image = m.group(1).toLowerCase(Locale.ROOT).equals(m.group(1)) ? m.group(1) : null;
        if (image == null) {
            throw new InvalidSpecException("malformed node shorthand \"" + shorthand + "\": image names are lowercase, e.g. \"debian12\"");
        }
        int count = 1;
        if (m.group(2) != null) {
            try {
                count = Integer.parseInt(m.group(2));
            } catch (NumberFormatException e) {
                count = Integer.MAX_VALUE;
            }
        }
        return of(image, count);
    }

    /** The shorthand form of this group. */
    @Override
    public String toString() {
        return count == 1 ? image : image + " x" + count;
    }
}
