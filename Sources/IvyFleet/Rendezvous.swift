import Crypto

/// Rendezvous (highest random weight) hashing: a key belongs to the bucket whose weight for it
/// is highest. Weights are the first 8 bytes of SHA-256 over the bucket and the key, so every
/// machine and every version computes the same assignment (Swift's `Hasher` is seeded per
/// process and would not).
enum Rendezvous {
    /// The bucket, from 0 to `count - 1`, that `key` belongs to; ties (never seen with
    /// SHA-256) go to the lower bucket.
    static func owner(of key: String, among count: Int) -> Int {
        precondition(count > 0, "at least one bucket")
        var best = 0
        var bestWeight: UInt64 = 0
        for bucket in 0..<count {
            let weight = self.weight(key: key, bucket: bucket)
            if bucket == 0 || weight > bestWeight {
                best = bucket
                bestWeight = weight
            }
        }
        return best
    }

    /// Changing this moves accounts between workers: the domain prefix and the layout are
    /// part of the assignment's definition.
    static func weight(key: String, bucket: Int) -> UInt64 {
        var hash = SHA256()
        hash.update(data: Array("ivy-archiver shard \(bucket)\u{0}".utf8))
        hash.update(data: Array(key.utf8))
        return hash.finalize().prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }
}
