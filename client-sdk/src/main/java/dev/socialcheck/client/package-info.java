/** Java client for the socialcheck gRPC service (work in progress: see the client SDK issue). */
package dev.socialcheck.client;
