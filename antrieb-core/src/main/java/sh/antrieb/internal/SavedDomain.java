package sh.antrieb.internal;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import sh.antrieb.AntriebException;

/**
 * The head of a libvirt QEMU save image ({@code virsh save}): a fixed header, then a data area holding the
 * domain XML and a migration cookie (each NUL-terminated, then zero padding), then QEMU's migration stream.
 * libvirt restores a save image only as the domain it was saved from (same UUID), so a warm start gives each
 * copy its own head: the same state with a new name, UUID, disk, NICs, console and payload. The data area
 * keeps its length, so the migration stream behind it is left as it is.
 *
 * <p>Layout (libvirt {@code src/qemu/qemu_saveimage.h}, host byte order): magic {@code LibvirtQemudSave}
 * (16 bytes; {@code LibvirtQemudPart} while being written), then uint32 version (2), data_len, was_running,
 * format (0 = raw), cookieOffset (into the data area), 14 unused uint32.
 */
public record SavedDomain(int version, int wasRunning, int format, String xml, String cookie, int dataLength) {
    /** Bytes before the data area. */
    public static final int HEADER_BYTES = 16 + 4 * 5 + 4 * 14;
    private static final String MAGIC = "LibvirtQemudSave";
    private static final String PARTIAL = "LibvirtQemudPart";

    /** Whether {@code head} starts like a complete save image (not one still being written). */
    public static boolean isComplete(byte[] head) {
        return head.length >= 16 && new String(head, 0, 16, StandardCharsets.ISO_8859_1).equals(MAGIC);
    }

    /** Length of header plus data area, from the first {@link #HEADER_BYTES} bytes. */
    public static int headLength(byte[] header) {
        return HEADER_BYTES + parseInts(header)[1];
    }

    /** Parses the head (header and data area) of a save image. */
    public static SavedDomain parse(byte[] head) {
        if (head.length < HEADER_BYTES) {
            throw new AntriebException("not a libvirt save image: " + head.length + " bytes");
        }
        String magic = new String(head, 0, 16, StandardCharsets.ISO_8859_1);
        if (magic.equals(PARTIAL)) {
            throw new AntriebException("the save image is incomplete (libvirt was still writing it, or failed)");
        }
        if (!magic.equals(MAGIC)) {
            throw new AntriebException("not a libvirt save image (magic '" + magic.replaceAll("\\p{Cntrl}", "?") + "')");
        }
        int[] v = parseInts(head);
        int version = v[0], dataLength = v[1], cookieOffset = v[4];
        if (version != 2) {
            throw new AntriebException("libvirt save image version " + version + " is not supported (2 is)");
        }
        if (head.length < HEADER_BYTES + dataLength) {
            throw new AntriebException("save image head is cut: " + head.length + " of " + (HEADER_BYTES + dataLength) + " bytes");
        }
        String xml = cString(head, HEADER_BYTES, dataLength);
        String cookie = cookieOffset > 0 ? cString(head, HEADER_BYTES + cookieOffset, dataLength - cookieOffset) : null;
        return new SavedDomain(version, v[2], v[3], xml, cookie, dataLength);
    }

    /** This head with {@code newXml} instead of the domain XML; same data-area length. */
    public byte[] withXml(String newXml) {
        byte[] x = (newXml + "\0").getBytes(StandardCharsets.UTF_8);
        byte[] c = cookie == null ? new byte[0] : (cookie + "\0").getBytes(StandardCharsets.UTF_8);
        if (x.length + c.length > dataLength) {
            throw new AntriebException("the new domain XML (" + x.length + " bytes) does not fit the save image's "
                    + dataLength + "-byte data area");
        }
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + dataLength).order(ByteOrder.nativeOrder());
        b.put(MAGIC.getBytes(StandardCharsets.ISO_8859_1));
        b.putInt(version).putInt(dataLength).putInt(wasRunning).putInt(format).putInt(cookie == null ? 0 : x.length);
        b.position(HEADER_BYTES);
        b.put(x).put(c);
        return b.array();
    }

    private static int[] parseInts(byte[] head) {
        ByteBuffer b = ByteBuffer.wrap(head, 16, 20).order(ByteOrder.nativeOrder());
        return new int[] {b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt()};
    }

    private static String cString(byte[] b, int from, int max) {
        int end = from;
        while (end < from + max && end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, from, end - from, StandardCharsets.UTF_8);
    }

    // ---- the domain XML of a copy ---------------------------------------------------------------------

    /** What makes a copy of a saved domain its own. NICs in the saved domain's order. */
    public record Copy(String name, String clusterId, String node, long deadlineEpochSeconds, String diskPath,
                       String consolePath, String payloadBase64, List<LibvirtXml.Nic> nics) {
    }

    /** The MAC addresses of the saved domain's NICs, in device order. */
    public List<String> macs() {
        Document d = parseXml(xml);
        NodeList ifaces = d.getElementsByTagName("interface");
        java.util.ArrayList<String> macs = new java.util.ArrayList<>();
        for (int i = 0; i < ifaces.getLength(); i++) {
            macs.add(child((Element) ifaces.item(i), "mac").getAttribute("address"));
        }
        return macs;
    }

    /** The saved domain XML turned into {@code copy}'s: new UUID and the copy's names, paths, NICs and payload. */
    public String copyXml(Copy copy) {
        Document d = parseXml(xml);
        Element dom = d.getDocumentElement();
        child(dom, "name").setTextContent(copy.name());
        child(dom, "uuid").setTextContent(UUID.randomUUID().toString());
        NodeList clusters = d.getElementsByTagNameNS(LibvirtXml.METADATA_NS, "cluster");
        if (clusters.getLength() != 1) {
            throw new AntriebException("the saved domain has no Antrieb metadata");
        }
        Element meta = (Element) clusters.item(0);
        meta.setAttribute("id", copy.clusterId());
        meta.setAttribute("node", copy.node());
        meta.setAttribute("deadline", Long.toString(copy.deadlineEpochSeconds()));
        boolean payload = false;
        NodeList entries = d.getElementsByTagName("entry");
        for (int i = 0; i < entries.getLength(); i++) {
            Element e = (Element) entries.item(i);
            if (LibvirtXml.FW_CFG_INIT.equals(e.getAttribute("name"))) {
                if (e.getTextContent().length() != copy.payloadBase64().length()) {
                    throw new AntriebException("payload of " + copy.payloadBase64().length() + " bytes where the saved domain has "
                            + e.getTextContent().length() + ": a restored guest reads the size it saw at boot");
                }
                e.setTextContent(copy.payloadBase64());
                payload = true;
            }
        }
        if (!payload) {
            throw new AntriebException("the saved domain has no fw_cfg entry " + LibvirtXml.FW_CFG_INIT);
        }
        NodeList disks = d.getElementsByTagName("disk");
        if (disks.getLength() != 1) {
            throw new AntriebException("the saved domain has " + disks.getLength() + " disks, expected 1");
        }
        Element disk = (Element) disks.item(0);
        child(disk, "source").setAttribute("file", copy.diskPath());
        // The copy's disk is an overlay on the template's: let libvirt read that chain from the images.
        for (Element bs : children(disk, "backingStore")) {
            disk.removeChild(bs);
        }
        NodeList ifaces = d.getElementsByTagName("interface");
        if (ifaces.getLength() != copy.nics().size()) {
            throw new AntriebException("the saved domain has " + ifaces.getLength() + " NICs, the copy needs " + copy.nics().size());
        }
        for (int i = 0; i < ifaces.getLength(); i++) {
            Element iface = (Element) ifaces.item(i);
            LibvirtXml.Nic nic = copy.nics().get(i);
            child(iface, "mac").setAttribute("address", nic.mac());
            Element source = child(iface, "source");
            source.setAttribute("network", nic.network());
            source.removeAttribute("portid");
            source.removeAttribute("bridge");
            child(iface, "target").setAttribute("dev", nic.tap());
        }
        for (String tag : List.of("serial", "console")) {
            NodeList chars = d.getElementsByTagName(tag);
            for (int i = 0; i < chars.getLength(); i++) {
                for (Element src : children((Element) chars.item(i), "source")) {
                    if (src.hasAttribute("path")) {
                        src.setAttribute("path", copy.consolePath());
                    }
                }
            }
        }
        return serialize(d);
    }

    private static Document parseXml(String xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder b = f.newDocumentBuilder();
            return b.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AntriebException("cannot read the saved domain XML: " + e.getMessage(), e);
        }
    }

    private static String serialize(Document d) {
        try {
            Transformer t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            StringWriter w = new StringWriter();
            t.transform(new DOMSource(d), new StreamResult(w));
            return w.toString();
        } catch (Exception e) {
            throw new AntriebException("cannot write domain XML: " + e.getMessage(), e);
        }
    }

    private static Element child(Element parent, String tag) {
        List<Element> found = children(parent, tag);
        if (found.isEmpty()) {
            throw new AntriebException("the saved domain XML has no <" + tag + "> in <" + parent.getTagName() + ">");
        }
        return found.get(0);
    }

    private static List<Element> children(Element parent, String tag) {
        java.util.ArrayList<Element> out = new java.util.ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && tag.equals(e.getLocalName() != null ? e.getLocalName() : e.getTagName())) {
                out.add(e);
            }
        }
        return out;
    }
}
