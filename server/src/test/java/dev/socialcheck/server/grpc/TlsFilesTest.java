package dev.socialcheck.server.grpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.socialcheck.server.testing.TestCertificates;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS files are checked before the server starts; a wrong one is named, with what is expected. */
class TlsFilesTest {
  @TempDir Path dir;
  private TestCertificates ca;
  private TestCertificates.Issued server;

  @BeforeEach
  void certificates() throws Exception {
    ca = TestCertificates.newAuthority(dir, "test-ca");
    server = ca.server("server");
  }

  private static TlsFiles.InvalidFileException problem(TlsFiles files) {
    TlsFiles.InvalidFileException e =
        catchThrowableOfType(TlsFiles.InvalidFileException.class, files::validate);
    assertThat(e).as("validate() refuses %s", files).isNotNull();
    return e;
  }

  /** The key in the traditional form openssl and cert-manager write by default. */
  private Path traditionalKey(String algorithm, int size) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    generator.initialize(size);
    PrivateKey key = generator.generateKeyPair().getPrivate();
    Path file = dir.resolve(algorithm.toLowerCase(java.util.Locale.ROOT) + "-traditional.key");
    try (Writer out = Files.newBufferedWriter(file);
        JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(key); // a bare private key: BEGIN RSA / EC PRIVATE KEY
    }
    return file;
  }

  @Test
  void validate_aCertificateAndItsPkcs8Key_andAClientCa_isFine() {
    TlsFiles files =
        new TlsFiles(
            server.certificateFile(),
            server.keyFile(),
            Optional.of(ca.authority().certificateFile()));

    assertThatCode(files::validate).doesNotThrowAnyException();
  }

  @Test
  void validate_pkcs1RsaKey_namesTheFormat_andTheConversion() throws Exception {
    Path key = traditionalKey("RSA", 2048);

    TlsFiles.InvalidFileException e =
        problem(new TlsFiles(server.certificateFile(), key, Optional.empty()));

    assertThat(e.role()).isEqualTo(TlsFiles.Role.PRIVATE_KEY);
    assertThat(e.file()).isEqualTo(key);
    assertThat(e.getMessage())
        .isEqualTo(
            key
                + ": found a PKCS#1 RSA key (-----BEGIN RSA PRIVATE KEY-----); expected an"
                + " unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----). Convert it with:"
                + " openssl pkey -in "
                + key
                + " -out "
                + key
                + ".pkcs8");
  }

  @Test
  void validate_sec1EcKey_namesTheFormat() throws Exception {
    Path key = traditionalKey("EC", 256);

    assertThat(problem(new TlsFiles(server.certificateFile(), key, Optional.empty())).getMessage())
        .contains("found a SEC1 EC key (-----BEGIN EC PRIVATE KEY-----)", "openssl pkey -in ");
  }

  @Test
  void validate_theSuggestedConversion_givesAKeyThatIsRead() throws Exception {
    assumeThat(openssl()).as("openssl is installed (needed to run the suggested command)").isTrue();
    Path key = dir.resolve("openssl-ec.key");
    run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString());
    TlsFiles files = new TlsFiles(server.certificateFile(), key, Optional.empty());
    String advice = problem(files).getMessage();
    assertThat(advice).contains("found a SEC1 EC key");

    run(advice.substring(advice.indexOf("Convert it with: ") + 17).split(" "));

    // The converted key is read; it is refused only because it is not the certificate's key.
    assertThat(
            problem(
                    new TlsFiles(
                        server.certificateFile(), Path.of(key + ".pkcs8"), Optional.empty()))
                .getMessage())
        .contains("this key does not belong to the first certificate");
  }

  private static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue())
        .as("exit status of %s; output:%n%s", String.join(" ", command), output)
        .isZero();
  }

  @Test
  void validate_swappedCertificateAndKey_saysSo() {
    TlsFiles.InvalidFileException e =
        problem(new TlsFiles(server.keyFile(), server.certificateFile(), Optional.empty()));

    assertThat(e.role()).isEqualTo(TlsFiles.Role.CERTIFICATE_CHAIN);
    assertThat(e.getMessage())
        .isEqualTo(
            server.keyFile()
                + ": found a private key, not a certificate (certificate and key swapped?);"
                + " expected PEM certificates (-----BEGIN CERTIFICATE-----)");
  }

  @Test
  void validate_aKeyOfAnotherCertificate_isRefused() throws Exception {
    TestCertificates.Issued other = ca.server("other");

    TlsFiles.InvalidFileException e =
        problem(new TlsFiles(server.certificateFile(), other.keyFile(), Optional.empty()));

    assertThat(e.role()).isEqualTo(TlsFiles.Role.PRIVATE_KEY);
    assertThat(e.getMessage()).contains("this key does not belong to the first certificate of");
  }

  @Test
  void validate_aClientCaThatHoldsNoCertificate_namesTheClientCa() {
    TlsFiles.InvalidFileException e =
        problem(
            new TlsFiles(
                server.certificateFile(), server.keyFile(), Optional.of(server.keyFile())));

    assertThat(e.role()).isEqualTo(TlsFiles.Role.CLIENT_CA);
    assertThat(e.getMessage()).contains("found a private key, not a certificate;");
  }

  @Test
  void validate_aMissingFile_saysSoInWords() {
    Path missing = dir.resolve("missing.pem");

    TlsFiles.InvalidFileException e =
        problem(new TlsFiles(missing, server.keyFile(), Optional.empty()));

    assertThat(e.getMessage()).isEqualTo(missing + ": cannot read it: no such file");
  }

  @Test
  void validate_anEmptyKeyFile_expectsAPkcs8Key() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.key"), "");

    assertThat(
            problem(new TlsFiles(server.certificateFile(), empty, Optional.empty())).getMessage())
        .endsWith(
            ": found no private key; expected a PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)");
  }

  static boolean openssl() {
    try {
      Process version = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
      return version.waitFor(30, TimeUnit.SECONDS) && version.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }
}
