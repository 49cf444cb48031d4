package sh.antrieb.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

/**
 * An ed25519 key pair with its OpenSSH encodings, made with MINA SSHD's key utilities: the cluster's
 * root key and each node's host key.
 *
 * @param keyPair        the key pair
 * @param publicLine     {@code ssh-ed25519 AAAA... comment}
 * @param privateOpenSsh the private key in OpenSSH format ({@code -----BEGIN OPENSSH PRIVATE KEY-----})
 */
public record SshKeys(KeyPair keyPair, String publicLine, String privateOpenSsh) {

    /** A fresh ed25519 key pair. */
    public static SshKeys generate(String comment) {
        try {
            KeyPair kp = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
            String pub = PublicKeyEntry.toString(kp.getPublic()) + " " + comment;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(kp, comment, null, out);
            return new SshKeys(kp, pub, out.toString(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an ed25519 key: is BouncyCastle (bcprov) on the classpath?", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The public key without its comment: {@code ssh-ed25519 AAAA...}. */
    public String publicKeyOnly() {
        String[] parts = publicLine.split(" ");
        return parts[0] + " " + parts[1];
    }

    @Override
    public String toString() {
        return "SshKeys[" + publicLine + "]";
    }
}
