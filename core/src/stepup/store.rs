//! Where step-up state lives: which challenges were used, and the per-user push throttle.
//! In memory (one process) or in Redis (every instance of an app). Every operation is atomic;
//! a store that cannot answer is `StoreUnavailable`, and the step-up then fails closed.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::process::{PerProcess, fresh, inherit};

pub(crate) type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// The push throttle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    /// Most unresolved (neither approved, rejected nor expired) challenges per user.
    pub max_unresolved: u32,
    /// Least time between two pushes to one user.
    pub min_gap: Duration,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle { max_unresolved: 3, min_gap: Duration::from_secs(10) }
    }
}

/// A refusal of the throttle, with how long until a push could go.
fn throttled(reason: String, retry_after_ms: i64) -> Error {
    let retry_after = (retry_after_ms > 0).then(|| Duration::from_millis(retry_after_ms as u64));
    Error::Throttled { reason, retry_after }
}

/// What a challenge's nonce is marked with, once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    /// Its approval was given (by check or wait).
    Used,
    /// Its approval was spent (by redeem).
    Redeemed,
}

impl Mark {
    fn as_str(self) -> &'static str {
        match self {
            Mark::Used => "used",
            Mark::Redeemed => "redeemed",
        }
    }
}

pub(crate) trait Store: Send + Sync {
    /// Atomically: refuses (`Throttled`) when `user` has `max_unresolved` unresolved
    /// challenges or had a push less than `min_gap` ago; else records `nonce` as unresolved
    /// until `expires_ms` and the push time.
    fn reserve<'a>(
        &'a self,
        user: &'a str,
        nonce: &'a str,
        now_ms: u64,
        expires_ms: u64,
        t: Throttle,
    ) -> StoreFuture<'a, ()>;
    /// `nonce` is resolved: it no longer counts against the throttle.
    fn release<'a>(&'a self, user: &'a str, nonce: &'a str) -> StoreFuture<'a, ()>;
    /// Atomically marks `nonce` with `mark` (`used`: approved; `redeemed`: the approval was
    /// spent); `true` for the first caller only.
    fn consume<'a>(&'a self, mark: Mark, nonce: &'a str, ttl: Duration) -> StoreFuture<'a, bool>;
    /// Whether `nonce` has `mark`.
    fn is_used<'a>(&'a self, mark: Mark, nonce: &'a str) -> StoreFuture<'a, bool>;
}

/// One process's store (a forked child starts from a copy of its parent's, when no thread held
/// it at the fork, else from an empty one).
pub(crate) struct MemoryStore {
    state: PerProcess<Mutex<MemoryState>>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore { state: PerProcess::new(Mutex::default(), inherit) }
    }
}

#[derive(Default, Clone)]
struct MemoryState {
    /// nonce → expiry (unix ms) of used challenges.
    used: HashMap<String, u64>,
    /// user → (nonce → expiry) of unresolved challenges.
    pending: HashMap<String, HashMap<String, u64>>,
    /// user → unix ms of the last push.
    last: HashMap<String, u64>,
}

fn now_ms() -> u64 {
    crate::ticket::unix_ms(std::time::SystemTime::now())
}

impl MemoryState {
    fn sweep(&mut self, now: u64) {
        self.used.retain(|_, e| *e > now);
        for p in self.pending.values_mut() {
            p.retain(|_, e| *e > now);
        }
        self.pending.retain(|_, p| !p.is_empty());
    }
}

impl Store for MemoryStore {
    fn reserve<'a>(
        &'a self,
        user: &'a str,
        nonce: &'a str,
        now: u64,
        expires: u64,
        t: Throttle,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut s = self.state.get().lock().unwrap_or_else(|p| p.into_inner());
            s.sweep(now);
            let gap = t.min_gap.as_millis() as u64;
            if let Some(last) = s.last.get(user) {
                if now < last + gap {
                    return Err(throttled(
                        format!("at most one push per {} ms to a user", gap),
                        (last + gap - now) as i64,
                    ));
                }
            }
            let pending = s.pending.entry(user.to_string()).or_default();
            if pending.len() as u32 >= t.max_unresolved {
                let first = pending.values().min().copied().unwrap_or(now);
                return Err(throttled(
                    format!("at most {} unresolved step-up pushes per user", t.max_unresolved),
                    first.saturating_sub(now) as i64,
                ));
            }
            pending.insert(nonce.to_string(), expires);
            s.last.insert(user.to_string(), now);
            Ok(())
        })
    }

    fn release<'a>(&'a self, user: &'a str, nonce: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut s = self.state.get().lock().unwrap_or_else(|p| p.into_inner());
            if let Some(p) = s.pending.get_mut(user) {
                p.remove(nonce);
            }
            Ok(())
        })
    }

    fn consume<'a>(&'a self, mark: Mark, nonce: &'a str, ttl: Duration) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let mut s = self.state.get().lock().unwrap_or_else(|p| p.into_inner());
            let now = now_ms();
            s.sweep(now);
            let key = format!("{}:{nonce}", mark.as_str());
            if s.used.contains_key(&key) {
                return Ok(false);
            }
            s.used.insert(key, now + ttl.as_millis() as u64);
            Ok(true)
        })
    }

    fn is_used<'a>(&'a self, mark: Mark, nonce: &'a str) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let s = self.state.get().lock().unwrap_or_else(|p| p.into_inner());
            Ok(s.used.get(&format!("{}:{nonce}", mark.as_str())).is_some_and(|e| *e > now_ms()))
        })
    }
}

/// Keys live under this prefix (`{prefix}used:{nonce}`, `{prefix}redeemed:{nonce}`,
/// `{prefix}pending:{user}`, `{prefix}last:{user}`); every key expires with what it records.
pub const REDIS_PREFIX: &str = "omi-push:stepup:";

/// How long one Redis operation may take before the step-up fails closed.
const REDIS_TIMEOUT: Duration = Duration::from_secs(2);

/// The throttle in one atomic step (KEYS: pending zset, last-push key; ARGV: now, expires,
/// nonce, max unresolved, min gap ms). Returns {0} or {1|2, ms until a push could go}.
const RESERVE: &str = r"
local pending, last = KEYS[1], KEYS[2]
local now, expires, nonce = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local max, gap = tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', pending, '-inf', now)
local ttl = redis.call('PTTL', last)
if ttl > 0 then return {1, ttl} end
if redis.call('ZCARD', pending) >= max then
  local first = redis.call('ZRANGE', pending, 0, 0, 'WITHSCORES')
  return {2, tonumber(first[2]) - now}
end
redis.call('ZADD', pending, expires, nonce)
redis.call('PEXPIREAT', pending, expires)
if gap > 0 then redis.call('SET', last, '1', 'PX', gap) end
return {0, 0}
";

/// A store in Redis, shared by every instance of an app.
pub(crate) struct RedisStore {
    client: redis::Client,
    /// Per process: a forked child connects anew (the parent's connection is driven by a task
    /// of the parent's runtime).
    conn: PerProcess<tokio::sync::Mutex<Option<redis::aio::MultiplexedConnection>>>,
    reserve: redis::Script,
    prefix: String,
}

fn unavailable(e: impl std::fmt::Display) -> Error {
    // redis errors name the server address, never a password (the URL's is not shown).
    Error::StoreUnavailable { message: format!("redis: {e}") }
}

impl RedisStore {
    pub(crate) fn new(url: &str, prefix: &str) -> Result<RedisStore> {
        let client =
            redis::Client::open(url).map_err(|e| Error::Config(format!("not a Redis URL: {}", e.category())))?;
        Ok(RedisStore {
            client,
            conn: PerProcess::new(tokio::sync::Mutex::new(None), fresh),
            reserve: redis::Script::new(RESERVE),
            prefix: prefix.to_string(),
        })
    }

    async fn connection(&self) -> Result<redis::aio::MultiplexedConnection> {
        let mut guard = self.conn.get().lock().await;
        if let Some(c) = guard.as_ref() {
            return Ok(c.clone());
        }
        let c = tokio::time::timeout(REDIS_TIMEOUT, self.client.get_multiplexed_async_connection())
            .await
            .map_err(|_| unavailable("no connection within 2 s"))?
            .map_err(unavailable)?;
        *guard = Some(c.clone());
        Ok(c)
    }

    /// Runs one operation with a deadline; a failed connection is dropped, so the next
    /// operation reconnects.
    async fn run<T, F>(&self, op: impl FnOnce(redis::aio::MultiplexedConnection) -> F) -> Result<T>
    where
        F: Future<Output = redis::RedisResult<T>>,
    {
        let conn = self.connection().await?;
        match tokio::time::timeout(REDIS_TIMEOUT, op(conn)).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => {
                *self.conn.get().lock().await = None;
                Err(unavailable(e))
            }
            Err(_) => {
                *self.conn.get().lock().await = None;
                Err(unavailable("no answer within 2 s"))
            }
        }
    }
}

impl Store for RedisStore {
    fn reserve<'a>(
        &'a self,
        user: &'a str,
        nonce: &'a str,
        now: u64,
        expires: u64,
        t: Throttle,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let pending = format!("{}pending:{user}", self.prefix);
            let last = format!("{}last:{user}", self.prefix);
            let gap = t.min_gap.as_millis() as u64;
            let (code, ms): (i64, i64) = self
                .run(|mut c| async move {
                    let mut inv = self.reserve.prepare_invoke();
                    inv.key(&pending).key(&last).arg(now).arg(expires).arg(nonce).arg(t.max_unresolved).arg(gap);
                    inv.invoke_async(&mut c).await
                })
                .await?;
            match code {
                0 => Ok(()),
                1 => Err(throttled(format!("at most one push per {gap} ms to a user"), ms)),
                _ => Err(throttled(format!("at most {} unresolved step-up pushes per user", t.max_unresolved), ms)),
            }
        })
    }

    fn release<'a>(&'a self, user: &'a str, nonce: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let pending = format!("{}pending:{user}", self.prefix);
            self.run(
                |mut c| async move { redis::cmd("ZREM").arg(&pending).arg(nonce).query_async::<i64>(&mut c).await },
            )
            .await
            .map(|_| ())
        })
    }

    fn consume<'a>(&'a self, mark: Mark, nonce: &'a str, ttl: Duration) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let key = format!("{}{}:{nonce}", self.prefix, mark.as_str());
            let ttl_ms = ttl.as_millis().max(1) as u64;
            let set: Option<String> = self
                .run(|mut c| async move {
                    redis::cmd("SET").arg(&key).arg("1").arg("NX").arg("PX").arg(ttl_ms).query_async(&mut c).await
                })
                .await?;
            Ok(set.is_some())
        })
    }

    fn is_used<'a>(&'a self, mark: Mark, nonce: &'a str) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let key = format!("{}{}:{nonce}", self.prefix, mark.as_str());
            let n: i64 =
                self.run(|mut c| async move { redis::cmd("EXISTS").arg(&key).query_async(&mut c).await }).await?;
            Ok(n > 0)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_store_throttles_and_consumes_once() {
        let s = MemoryStore::default();
        let t = Throttle { max_unresolved: 2, min_gap: Duration::from_millis(100) };
        s.reserve("u", "n1", 1_000, 100_000, t).await.expect("first");
        let e = s.reserve("u", "n2", 1_050, 100_000, t).await.expect_err("too soon");
        assert!(matches!(e, Error::Throttled { retry_after: Some(d), .. } if d == Duration::from_millis(50)), "{e:?}");
        s.reserve("u", "n2", 1_200, 100_000, t).await.expect("after the gap");
        assert!(matches!(s.reserve("u", "n3", 1_400, 100_000, t).await, Err(Error::Throttled { .. })));
        s.reserve("v", "m1", 1_400, 100_000, t).await.expect("another user");
        s.release("u", "n1").await.expect("release");
        s.reserve("u", "n3", 1_600, 100_000, t).await.expect("a slot was freed");
        assert!(s.consume(Mark::Used, "n1", Duration::from_secs(60)).await.expect("consume"));
        assert!(!s.consume(Mark::Used, "n1", Duration::from_secs(60)).await.expect("consume"));
        assert!(s.is_used(Mark::Used, "n1").await.expect("used") && !s.is_used(Mark::Used, "n2").await.expect("used"));
        assert!(!s.is_used(Mark::Redeemed, "n1").await.expect("redeemed"));
        assert!(s.consume(Mark::Redeemed, "n1", Duration::from_secs(60)).await.expect("redeem"));
    }
}
