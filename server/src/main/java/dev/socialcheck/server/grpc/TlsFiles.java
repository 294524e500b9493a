package dev.socialcheck.server.grpc;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import dev.socialcheck.server.catalog.ReadFailure;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TLS material in PEM files: what grpc-java and Netty take without extra libraries, a certificate
 * chain and an unencrypted PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----}, RSA, EC or
 * DSA).
 *
 * <p>{@link #validate()} reads the files before the server starts, so that a wrong file is named
 * with what is wrong and what is expected, instead of a parser's words surfacing at bind time
 * ("algid parse error, not a sequence"). Keys in another PEM form (PKCS#1 {@code BEGIN RSA PRIVATE
 * KEY}, SEC1 {@code BEGIN EC PRIVATE KEY}, encrypted PKCS#8) are refused with the {@code openssl}
 * command that converts them: accepting them would take BouncyCastle at run time (Netty uses it
 * when present), some 10 MB for a one-line conversion.
 *
 * @param certificateChain the server's certificate chain
 * @param privateKey the server's private key (PKCS#8)
 * @param clientCa when present, clients must present a certificate signed by one of these CAs
 *     (mutual TLS)
 */
public record TlsFiles(Path certificateChain, Path privateKey, Optional<Path> clientCa) {
  private static final Pattern PEM_BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");
  private static final Pattern PKCS8_BLOCK =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]*)-----END PRIVATE KEY-----");
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "DSA");

  /** Which of the files a problem is in. */
  public enum Role {
    CERTIFICATE_CHAIN,
    PRIVATE_KEY,
    CLIENT_CA
  }

  /**
   * A file that cannot serve: its role, the file, and what is wrong in words that say what is
   * expected.
   */
  public static final class InvalidFileException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Role role;
    private final Path file;

    InvalidFileException(Role role, Path file, String problem) {
      super(file + ": " + problem);
      this.role = role;
      this.file = file;
    }

    public Role role() {
      return role;
    }

    public Path file() {
      return file;
    }
  }

  public TlsFiles {
    requireNonNull(certificateChain, "certificateChain");
    requireNonNull(privateKey, "privateKey");
    requireNonNull(clientCa, "clientCa");
  }

  /**
   * Reads every file and checks that it holds what it should: certificates where certificates
   * belong, a PKCS#8 key that belongs to the first certificate of the chain.
   *
   * @throws InvalidFileException naming the first wrong file and what is expected
   */
  public void validate() throws InvalidFileException {
    List<Certificate> chain = certificates(Role.CERTIFICATE_CHAIN, certificateChain);
    PrivateKey key = key();
    if (!belongTogether(key, chain.get(0).getPublicKey())) {
      throw new InvalidFileException(
          Role.PRIVATE_KEY,
          privateKey,
          "this key does not belong to the first certificate of "
              + certificateChain
              + " (the key and the certificate must be made together)");
    }
    if (clientCa.isPresent()) {
      certificates(Role.CLIENT_CA, clientCa.get());
    }
  }

  /** gRPC server credentials for these files. */
  ServerCredentials credentials() throws IOException {
    TlsServerCredentials.Builder tls =
        TlsServerCredentials.newBuilder()
            .keyManager(certificateChain.toFile(), privateKey.toFile());
    if (clientCa.isPresent()) {
      tls.trustManager(clientCa.get().toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
    }
    return tls.build();
  }

  private static String read(Role role, Path file) throws InvalidFileException {
    try {
      return new String(Files.readAllBytes(file), US_ASCII);
    } catch (IOException e) {
      throw new InvalidFileException(role, file, "cannot read it: " + ReadFailure.describe(e));
    }
  }

  private static List<Certificate> certificates(Role role, Path file) throws InvalidFileException {
    String text = read(role, file);
    List<String> blocks = pemBlocks(text);
    if (!blocks.contains("CERTIFICATE")) {
      String found =
          blocks.stream().anyMatch(b -> b.endsWith("PRIVATE KEY"))
              ? "a private key, not a certificate"
                  + (role == Role.CERTIFICATE_CHAIN ? " (certificate and key swapped?)" : "")
              : "no certificate";
      throw new InvalidFileException(
          role,
          file,
          "found " + found + "; expected PEM certificates (-----BEGIN CERTIFICATE-----)");
    }
    try {
      Collection<? extends Certificate> parsed =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(text.getBytes(US_ASCII)));
      if (parsed.isEmpty()) {
        throw new CertificateException("no certificate");
      }
      return List.copyOf(parsed);
    } catch (CertificateException e) {
      throw new InvalidFileException(
          role,
          file,
          "a certificate in it cannot be read (damaged or not X.509); expected PEM certificates"
              + " (-----BEGIN CERTIFICATE-----)");
    }
  }

  private PrivateKey key() throws InvalidFileException {
    String text = read(Role.PRIVATE_KEY, privateKey);
    List<String> blocks = pemBlocks(text);
    String convert =
        "; expected an unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----). Convert it with:"
            + " openssl pkey -in "
            + privateKey
            + " -out "
            + privateKey
            + ".pkcs8";
    if (blocks.contains("RSA PRIVATE KEY")) {
      throw invalidKey("found a PKCS#1 RSA key (-----BEGIN RSA PRIVATE KEY-----)" + convert);
    }
    if (blocks.contains("EC PRIVATE KEY")) {
      throw invalidKey("found a SEC1 EC key (-----BEGIN EC PRIVATE KEY-----)" + convert);
    }
    if (blocks.contains("ENCRYPTED PRIVATE KEY")) {
      throw invalidKey(
          "found an encrypted key (-----BEGIN ENCRYPTED PRIVATE KEY-----)"
              + convert
              + " (it asks for the passphrase)");
    }
    Matcher pkcs8 = PKCS8_BLOCK.matcher(text);
    if (!pkcs8.find()) {
      throw invalidKey(
          blocks.contains("CERTIFICATE")
              ? "found a certificate, not a private key (certificate and key swapped?);"
                  + " expected a PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)"
              : "found no private key; expected a PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pkcs8.group(1));
    } catch (IllegalArgumentException e) {
      throw invalidKey("the key is damaged (bad base64)");
    }
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // Not this algorithm: try the next.
      }
    }
    throw invalidKey("the key is damaged, or not an RSA, EC or DSA key");
  }

  private InvalidFileException invalidKey(String problem) {
    return new InvalidFileException(Role.PRIVATE_KEY, privateKey, problem);
  }

  /** The labels of the PEM blocks in {@code text}, e.g. {@code CERTIFICATE}. */
  private static List<String> pemBlocks(String text) {
    return PEM_BEGIN.matcher(text).results().map(m -> m.group(1)).toList();
  }

  /** Whether {@code key} signs what {@code publicKey} verifies. */
  private static boolean belongTogether(PrivateKey key, PublicKey publicKey) {
    if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> "SHA256withDSA";
        };
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
