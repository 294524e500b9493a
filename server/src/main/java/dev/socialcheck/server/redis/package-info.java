/**
 * Redis as the state that replicas share: the second level of the result cache ({@link
 * dev.socialcheck.server.redis.RedisResultStore}), per-caller quotas and shared platform budgets
 * ({@link dev.socialcheck.server.redis.RedisRateLimiter}, GCRA in a Lua script), over one Lettuce
 * connection with a bounded wait and an UP/DOWN state ({@link
 * dev.socialcheck.server.redis.SharedRedis}). Redis is an optimisation, never a dependency: when it
 * is slow or down, everything falls back to this replica's own cache and limits.
 */
@NullMarked
package dev.socialcheck.server.redis;

import org.jspecify.annotations.NullMarked;
