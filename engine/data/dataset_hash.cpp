#include "data/dataset_hash.h"

#include <bit>
#include <cstring>

namespace embtune::engine {

static_assert(std::endian::native == std::endian::little, "ContentHasher reads words little-endian");

namespace {

constexpr uint64_t kMulA = 0x9E3779B97F4A7C15ull;
constexpr uint64_t kMulB = 0xBF58476D1CE4E5B9ull;
constexpr uint64_t kMulC = 0x94D049BB133111EBull;
constexpr uint64_t kMulD = 0xD6E8FEB86659FD93ull;

// Final avalanche: every input bit affects every output bit with probability close to 1/2.
uint64_t avalanche(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDull;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ull;
    x ^= x >> 33;
    return x;
}

void appendHex(std::string &out, uint64_t value)
{
    static const char digits[] = "0123456789abcdef";
    for (int shift = 60; shift >= 0; shift -= 4)
        out.push_back(digits[(value >> shift) & 0xf]);
}

void addTexts(ContentHasher &hasher, const Dataset &dataset)
{
    hasher.addInt(dataset.docCount());
    for (int32_t i = 0; i < dataset.docCount(); ++i) {
        hasher.addString(dataset.docIds.id(i));
        hasher.addString(dataset.docs[size_t(i)].title);
        hasher.addString(dataset.docs[size_t(i)].text);
    }
    hasher.addInt(dataset.queryCount());
    for (int32_t i = 0; i < dataset.queryCount(); ++i) {
        hasher.addString(dataset.queryIds.id(i));
        hasher.addString(dataset.queries[size_t(i)]);
    }
}

} // namespace

ContentHasher::ContentHasher() : m_a(0x243F6A8885A308D3ull), m_b(0x13198A2E03707344ull) {}

void ContentHasher::mixWord(uint64_t word)
{
    // Each step is a bijection of each lane for a fixed word and of the word for a fixed lane.
    m_a = std::rotl(m_a ^ (word * kMulA), 31) * kMulB;
    m_b = (std::rotl(m_b ^ (word * kMulC), 27) + m_a) * kMulD;
}

void ContentHasher::addBytes(const void *data, size_t size)
{
    const auto *bytes = static_cast<const unsigned char *>(data);
    m_length += size;
    while (m_pendingBytes != 0 && size > 0) {
        m_pending |= uint64_t(*bytes++) << (8 * m_pendingBytes);
        --size;
        if (++m_pendingBytes == 8) {
            mixWord(m_pending);
            m_pending = 0;
            m_pendingBytes = 0;
        }
    }
    for (; size >= 8; bytes += 8, size -= 8) {
        uint64_t word;
        std::memcpy(&word, bytes, 8);
        mixWord(word);
    }
    for (; size > 0; --size)
        m_pending |= uint64_t(*bytes++) << (8 * m_pendingBytes++);
}

void ContentHasher::addString(std::string_view text)
{
    addInt(int64_t(text.size()));
    addBytes(text.data(), text.size());
}

void ContentHasher::addInt(int64_t value)
{
    addBytes(&value, sizeof value);
}

std::string ContentHasher::hex() const
{
    ContentHasher last = *this;
    if (last.m_pendingBytes > 0)
        last.mixWord(last.m_pending);
    last.mixWord(m_length);
    uint64_t a = last.m_a, b = last.m_b;
    a += b;
    b += a;
    a = avalanche(a);
    b = avalanche(b);
    a += b;
    b += a;
    std::string out;
    out.reserve(32);
    appendHex(out, a);
    appendHex(out, b);
    return out;
}

std::string datasetHash(const Dataset &dataset)
{
    ContentHasher hasher;
    hasher.addString("embtune.dataset.v1");
    addTexts(hasher, dataset);
    hasher.addInt(int64_t(dataset.splits.size()));
    for (const auto &[name, qrels] : dataset.splits) {
        hasher.addString(name);
        hasher.addInt(int64_t(qrels.queries.size()));
        for (const auto &query : qrels.queries) {
            hasher.addString(dataset.queryIds.id(query.query));
            hasher.addInt(int64_t(query.judged.size()));
            for (const auto &judgement : query.judged) {
                hasher.addString(dataset.docIds.id(judgement.doc));
                hasher.addInt(judgement.gain);
            }
        }
    }
    return hasher.hex();
}

std::string datasetTextsHash(const Dataset &dataset)
{
    ContentHasher hasher;
    hasher.addString("embtune.dataset-texts.v1");
    addTexts(hasher, dataset);
    return hasher.hex();
}

std::string matrixHash(ConstMatrixMap matrix)
{
    ContentHasher hasher;
    hasher.addString("embtune.matrix.v1");
    hasher.addInt(matrix.rows());
    hasher.addInt(matrix.cols());
    hasher.addBytes(matrix.data(), size_t(matrix.size()) * sizeof(float));
    return hasher.hex();
}

} // namespace embtune::engine
