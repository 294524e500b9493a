package dev.socialcheck.bench;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The loopback fleet's self-signed certificate (EC P-256, valid for {@code 127.0.0.1} and {@code
 * localhost}, one day), made fresh for every run with BouncyCastle. Only the benchmark's HTTP
 * clients trust it ({@link #trustingContext}); nothing else in any JVM does.
 */
final class FleetCertificate {
  private final X509Certificate certificate;
  private final PrivateKey key;

  private FleetCertificate(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** A new key pair and certificate. */
  static FleetCertificate create() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(256);
      KeyPair pair = generator.generateKeyPair();
      X500Name name = new X500Name("CN=socialcheck benchmark fleet");
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              name,
              BigInteger.valueOf(now.toEpochMilli()),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(Duration.ofDays(1))),
              name,
              pair.getPublic());
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost")
              }));
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(
                      new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
      return new FleetCertificate(certificate, pair.getPrivate());
    } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
      throw new IllegalStateException("cannot make the fleet's certificate", e);
    }
  }

  X509Certificate certificate() {
    return certificate;
  }

  PrivateKey key() {
    return key;
  }

  /** Writes the certificate (not the key) as PEM, for the JVMs that must trust it. */
  void writePem(Path file) throws IOException {
    try {
      String base64 =
          Base64.getMimeEncoder(64, "\n".getBytes(US_ASCII))
              .encodeToString(certificate.getEncoded());
      Files.writeString(
          file, "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n");
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot encode the fleet's certificate", e);
    }
  }

  /** A TLS context that trusts this certificate only. */
  SSLContext trustingContext() {
    return contextTrusting(trustManagers(certificate));
  }

  /** A TLS context whose trust is {@code trust}. */
  static SSLContext contextTrusting(TrustManagerFactory trust) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a context trusting the fleet", e);
    }
  }

  /** Trust managers that trust the certificate in this PEM file only. */
  static TrustManagerFactory trustManagers(Path pem) throws IOException {
    try {
      return trustManagers(
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem))));
    } catch (GeneralSecurityException e) {
      throw new IOException("not a certificate: " + pem, e);
    }
  }

  private static TrustManagerFactory trustManagers(X509Certificate certificate) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("fleet", certificate);
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      return trust;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build trust managers for the fleet", e);
    }
  }
}
