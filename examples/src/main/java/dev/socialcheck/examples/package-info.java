/** Runnable examples of the socialcheck Java client SDK; start with {@link SocialCheckExamples}. */
package dev.socialcheck.examples;
