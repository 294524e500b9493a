package dev.socialcheck.server.testing;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made at test time (BouncyCastle), so no private key is ever checked in: a CA, and
 * server and client certificates it signs, written as PEM files.
 */
public final class TestCertificates {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** A certificate, its key, and the PEM files holding them. */
  public record Issued(
      X509Certificate certificate, PrivateKey key, Path certificateFile, Path keyFile) {}

  private final Path directory;
  private final Issued ca;

  private TestCertificates(Path directory, Issued ca) {
    this.directory = directory;
    this.ca = ca;
  }

  /** Makes a new CA named {@code name}, writing its files under {@code directory}. */
  public static TestCertificates newAuthority(Path directory, String name) throws Exception {
    KeyPair keys = keyPair();
    X500Name subject = new X500Name("CN=" + name);
    X509Certificate certificate = sign(subject, keys, subject, keys.getPrivate(), true, false);
    return new TestCertificates(directory, write(directory, name, certificate, keys.getPrivate()));
  }

  /** The CA's own certificate and key. */
  public Issued authority() {
    return ca;
  }

  /** A server certificate for 127.0.0.1 and localhost. */
  public Issued server(String name) throws Exception {
    return issue(name, true);
  }

  /** A client certificate. */
  public Issued client(String name) throws Exception {
    return issue(name, false);
  }

  private Issued issue(String name, boolean server) throws Exception {
    KeyPair keys = keyPair();
    X509Certificate certificate =
        sign(
            new X500Name("CN=" + name),
            keys,
            new X500Name(ca.certificate().getSubjectX500Principal().getName()),
            ca.key(),
            false,
            server);
    return write(directory, name, certificate, keys.getPrivate());
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(
      X500Name subject,
      KeyPair subjectKeys,
      X500Name issuer,
      PrivateKey issuerKey,
      boolean authority,
      boolean server)
      throws IOException, OperatorCreationException, GeneralSecurityException {
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(Duration.ofDays(1))),
            subject,
            subjectKeys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
    if (server) {
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost")
              }));
    }
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
  }

  private static Issued write(
      Path directory, String name, X509Certificate certificate, PrivateKey key) throws IOException {
    Path certificateFile = directory.resolve(name + ".pem");
    Path keyFile = directory.resolve(name + ".key");
    try (Writer out = Files.newBufferedWriter(certificateFile);
        JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(certificate);
    }
    try (Writer out = Files.newBufferedWriter(keyFile);
        JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(new JcaPKCS8Generator(key, null));
    }
    return new Issued(certificate, key, certificateFile, keyFile);
  }
}
