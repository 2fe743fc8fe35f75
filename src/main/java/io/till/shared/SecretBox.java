package io.till.shared;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Encrypts the secrets Till must be able to read back (integration credentials, webhook signing secrets) with AES-256-GCM
 * under the master key, so that a database dump holds none of them in the clear. The master key comes from
 * {@code TILL_MASTER_KEY} (32 bytes, base64); when unset, one is generated on first start into
 * {@code <data dir>/master.key}, readable by its owner only. Lose the key and the secrets are lost with it.
 */
@Component
public class SecretBox {

    private static final Logger log = LoggerFactory.getLogger(SecretBox.class);
    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    SecretBox(@Value("${till.master-key:}") String masterKey, @Value("${till.database.data-dir:data}") Path dataDir) {
        this.key = new SecretKeySpec(masterKey == null || masterKey.isBlank()
            ? keyFile(dataDir.resolve("master.key"))
            : decode(masterKey.strip(), "TILL_MASTER_KEY"), "AES");
    }

    /**
     * A key for one {@code purpose} (such as signing the portal's card-update links), derived from the master key with
     * HMAC-SHA256, so that the master key itself signs nothing and each purpose's key is useless for any other.
     */
    public SecretKeySpec derivedKey(String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return new SecretKeySpec(mac.doFinal(("till derived key: " + purpose).getBytes(StandardCharsets.UTF_8)),
                "HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** The HMAC-SHA256 of {@code text} under a key from {@link #derivedKey}, in lower-case hex. */
    public static String signature(SecretKeySpec derivedKey, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(derivedKey);
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** Seals a secret; {@code context} (say, the account and integration) is bound to it, so a sealed value moved to
     * another row does not open. */
    public String seal(String secret, String context) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** Whether {@code value} has the form {@link #seal} gives, as opposed to a value stored in clear. */
    public static boolean isSealed(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /** Opens what {@link #seal} sealed with the same context; fails if the value or the context was changed. */
    public String open(String sealed, String context) {
        if (sealed == null || !sealed.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a sealed secret");
        }
        byte[] in = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The secret cannot be opened: the master key is not the one it was sealed "
                + "with, or the value was altered", e);
        }
    }

    private static byte[] decode(String base64, String source) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(source + " must be 32 bytes in base64 (openssl rand -base64 32)", e);
        }
        if (key.length != 32) {
            throw new IllegalStateException(source + " must be 32 bytes in base64 (openssl rand -base64 32), not "
                + key.length + " bytes");
        }
        return key;
    }

    /**
     * Writes the new key as the database writes what it commits, since what is sealed with it is: to a file of its
     * own, readable by Till's user alone from the start, forced to disk, then moved into place and the move forced too.
     * Written plainly, a power cut in the first seconds left an empty key file, and Till could not start again (a key
     * deleted by hand then would have left every sealed secret unreadable). A key file that appeared meanwhile is kept,
     * and this one is not used.
     */
    private static void writeDurably(Path file, byte[] content) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Path fresh = directory.resolve(file.getFileName() + ".new");
        Files.deleteIfExists(fresh);
        java.nio.file.attribute.FileAttribute<?>[] ownerOnly = directory.getFileSystem().supportedFileAttributeViews()
            .contains("posix")
                ? new java.nio.file.attribute.FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------"))}
                : new java.nio.file.attribute.FileAttribute<?>[0];
        try (var channel = java.nio.channels.FileChannel.open(fresh, java.util.Set.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE), ownerOnly)) {
            channel.write(java.nio.ByteBuffer.wrap(content));
            channel.force(true);
        }
        try {
            Files.move(fresh, file); // refused, not replaced, if a key file is there by now
        } catch (java.nio.file.FileAlreadyExistsException e) {
            Files.deleteIfExists(fresh);
            throw e;
        }
        try (var dir = java.nio.channels.FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // A file system whose directories cannot be opened so (Windows): the move is as durable as it makes it.
        }
    }

    private byte[] keyFile(Path file) {
        try {
            if (Files.exists(file)) {
                return decode(Files.readString(file).strip(), file.toString());
            }
            Path directory = file.toAbsolutePath().getParent();
            Files.createDirectories(directory);
            byte[] fresh = new byte[32];
            random.nextBytes(fresh);
            writeDurably(file, (Base64.getEncoder().encodeToString(fresh) + "\n").getBytes(
                java.nio.charset.StandardCharsets.US_ASCII));
            log.info("Generated the master key for stored secrets at {}; back it up with the database, or set "
                + "TILL_MASTER_KEY", file.toAbsolutePath());
            return fresh;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the master key " + file, e);
        }
    }
}
