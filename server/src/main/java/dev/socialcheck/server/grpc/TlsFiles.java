package dev.socialcheck.server.grpc;

import static java.util.Objects.requireNonNull;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * TLS material in PEM files.
 *
 * @param certificateChain the server's certificate chain
 * @param privateKey the server's private key (PKCS#8)
 * @param clientCa when present, clients must present a certificate signed by one of these CAs
 *     (mutual TLS)
 */
public record TlsFiles(Path certificateChain, Path privateKey, Optional<Path> clientCa) {

  public TlsFiles {
    requireNonNull(certificateChain, "certificateChain");
    requireNonNull(privateKey, "privateKey");
    requireNonNull(clientCa, "clientCa");
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
}
