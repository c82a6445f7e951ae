/* xapian_baseline: the "plain Xapian C++ pipeline" peer of trawl's benchmark.
 *
 * It does what a straightforward Xapian application would do with the benchmark corpus, so
 * tests/bench/run can measure trawl against it side by side: TermGenerator for indexing,
 * QueryParser + Enquire (BM25Weight, Xapian's defaults) for searching. It deliberately uses
 * nothing of trawl (no common/ code): it is the yardstick, not a client.
 *
 *   xapian_baseline index DB INPUT.jsonl[.gz]
 *   xapian_baseline search DB QUERIES.tsv [-n N] [--run FILE]
 *
 * Output is "key value" lines on stdout, one measurement a line, for tests/bench/run to parse.
 * Exit status: 0 success, 2 any error (bad arguments, I/O, Xapian).
 *
 * Build: g++ -O2 -std=c++17 xapian_baseline.cc $(pkg-config --cflags --libs xapian-core jansson
 * zlib). Depends only on Xapian, jansson and zlib.
 */
#include <xapian.h>

#include <jansson.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

const char *const PROG = "xapian_baseline";

/* The passage rule of shared/data/README.md, shared by every peer of the benchmark. */
const size_t MIN_WORDS = 20;  /* close a passage once it holds at least this many words */
const size_t MAX_WORDS = 200; /* cut longer passages into equal parts of at most this many */

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Reads one line of a plain or gzip file (gzopen reads both) into line, without the '\n'.
 * Returns false at end of file; throws on a read error. Lines may be of any length. */
bool read_line(gzFile f, std::string &line)
{
    char buf[1 << 16];
    line.clear();
    while (gzgets(f, buf, sizeof buf) != nullptr) {
        size_t n = strlen(buf);
        if (n > 0 && buf[n - 1] == '\n') {
            line.append(buf, n - 1);
            return true;
        }
        line.append(buf, n);
    }
    int errnum;
    const char *msg = gzerror(f, &errnum);
    if (errnum != Z_OK && errnum != Z_STREAM_END)
        throw std::runtime_error(std::string("cannot read input: ") + msg);
    return !line.empty(); /* a last line without '\n' */
}

/* Splits text into passages by the benchmark rule: paragraphs are separated by blank lines
 * (a whitespace run holding two or more newlines); words are whitespace-separated; a passage
 * is closed at the end of the paragraph that brings it to MIN_WORDS words; a short tail is
 * appended to the previous passage; passages over MAX_WORDS words are cut into
 * ceil(n / MAX_WORDS) parts of (nearly) equal length. Whitespace is collapsed to one space. */
std::vector<std::string> split_passages(std::string_view text)
{
    std::vector<std::vector<std::string_view>> groups;
    std::vector<std::string_view> cur;
    size_t i = 0, n = text.size();

    while (i < n) {
        size_t newlines = 0;
        while (i < n && is_space(text[i]))
            newlines += text[i++] == '\n';
        /* A blank line ends the paragraph: that is the only point where a passage may close. */
        if (newlines >= 2 && cur.size() >= MIN_WORDS) {
            groups.push_back(std::move(cur));
            cur.clear();
        }
        size_t start = i;
        while (i < n && !is_space(text[i]))
            i++;
        if (i > start)
            cur.push_back(text.substr(start, i - start));
    }
    if (cur.size() >= MIN_WORDS || groups.empty()) {
        if (!cur.empty())
            groups.push_back(std::move(cur));
    } else {
        groups.back().insert(groups.back().end(), cur.begin(), cur.end());
    }

    std::vector<std::string> out;
    for (const auto &g : groups) {
        size_t words = g.size();
        size_t parts = (words + MAX_WORDS - 1) / MAX_WORDS;
        for (size_t p = 0; p < parts; p++) {
            /* Part p holds words [p*words/parts, (p+1)*words/parts): sizes differ by <= 1. */
            std::string s;
            for (size_t w = p * words / parts; w < (p + 1) * words / parts; w++) {
                if (!s.empty())
                    s += ' ';
                s.append(g[w]);
            }
            out.push_back(std::move(s));
        }
    }
    return out;
}

/* The string member key of obj, or throws: every article needs "id" and "text". */
std::string_view json_str(json_t *obj, const char *key, unsigned long lineno)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v))
        throw std::runtime_error("line " + std::to_string(lineno) + ": no string \"" + key +
                                 "\"");
    return std::string_view(json_string_value(v), json_string_length(v));
}

int cmd_index(const char *dbpath, const char *input)
{
    auto t0 = Clock::now();
    gzFile f = gzopen(input, "rb");
    if (f == nullptr)
        throw std::runtime_error(std::string("cannot open '") + input + "': " + strerror(errno));
    gzbuffer(f, 1 << 18);

    /* Default flush threshold (XAPIAN_FLUSH_THRESHOLD or 10000 documents), as an app would. */
    Xapian::WritableDatabase db(dbpath, Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::TermGenerator tg;
    tg.set_stemmer(Xapian::Stem("english"));
    tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);

    unsigned long lineno = 0, articles = 0, passages = 0;
    unsigned long long text_bytes = 0;
    std::string line;
    while (read_line(f, line)) {
        lineno++;
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        json_error_t jerr;
        json_t *obj = json_loadb(line.data(), line.size(), 0, &jerr);
        if (obj == nullptr) {
            gzclose(f);
            throw std::runtime_error("line " + std::to_string(lineno) + ": " + jerr.text);
        }
        try {
            std::string id(json_str(obj, "id", lineno));
            std::string_view text = json_str(obj, "text", lineno);
            text_bytes += text.size();
            articles++;
            std::vector<std::string> ps = split_passages(text);
            for (size_t k = 0; k < ps.size(); k++) {
                Xapian::Document doc;
                tg.set_document(doc);
                tg.index_text(ps[k]);
                doc.set_data(ps[k]);
                doc.add_boolean_term("Q" + id + "#" + std::to_string(k));
                db.add_document(doc);
            }
            passages += ps.size();
        } catch (...) {
            json_decref(obj);
            gzclose(f);
            throw;
        }
        json_decref(obj);
    }
    gzclose(f);
    db.commit();
    db.close();

    double secs = seconds_since(t0);
    printf("articles %lu\npassages %lu\ntext_bytes %llu\nseconds %.3f\nmb_per_s %.3f\n",
           articles, passages, text_bytes, secs, secs > 0 ? text_bytes / 1e6 / secs : 0.0);
    return 0;
}

struct query {
    std::string qid, text;
};

std::vector<query> read_queries(const char *path)
{
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error(std::string("cannot open '") + path + "': " + strerror(errno));
    std::vector<query> qs;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty() || line[0] == '#')
            continue;
        size_t tab = line.find('\t');
        if (tab == std::string::npos)
            qs.push_back({std::to_string(qs.size() + 1), line});
        else
            qs.push_back({line.substr(0, tab), line.substr(tab + 1)});
    }
    return qs;
}

/* The value at quantile q of sorted v, nearest-rank method: v[ceil(q * n) - 1]. */
double quantile(const std::vector<double> &v, double q)
{
    size_t rank = (size_t)std::ceil(q * (double)v.size());
    return v[rank > 0 ? rank - 1 : 0];
}

/* The passage id (the Q term without its prefix) of a document, for the run file. */
std::string passage_id(const Xapian::Document &doc)
{
    Xapian::TermIterator t = doc.termlist_begin();
    t.skip_to("Q");
    if (t != doc.termlist_end() && (*t)[0] == 'Q')
        return (*t).substr(1);
    return "docid-" + std::to_string(doc.get_docid());
}

int cmd_search(const char *dbpath, const char *qpath, unsigned limit, const char *runpath)
{
    std::vector<query> qs = read_queries(qpath);
    if (qs.empty())
        throw std::runtime_error(std::string("no queries in '") + qpath + "'");

    Xapian::Database db(dbpath);
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(Xapian::BM25Weight()); /* k1=1, k2=0, k3=1, b=0.5, min 0.5 */
    Xapian::QueryParser qp;
    qp.set_stemmer(Xapian::Stem("english"));
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    qp.set_default_op(Xapian::Query::OP_OR);
    qp.set_database(db);

    FILE *run = nullptr;
    if (runpath != nullptr && (run = fopen(runpath, "w")) == nullptr)
        throw std::runtime_error(std::string("cannot open '") + runpath + "': " + strerror(errno));

    /* One query as an engine would answer it: parse, rank, fetch each hit's data to show it.
     * Returns the number of hits; with run set, also writes them in TREC format. */
    size_t sink = 0; /* data bytes touched, printed so the fetches cannot be optimised away */
    auto one = [&](const query &q, FILE *out) {
        enquire.set_query(qp.parse_query(q.text));
        Xapian::MSet mset = enquire.get_mset(0, limit);
        for (auto it = mset.begin(); it != mset.end(); ++it) {
            Xapian::Document doc = it.get_document();
            sink += doc.get_data().size();
            if (out != nullptr)
                fprintf(out, "%s Q0 %s %u %.6f xapian\n", q.qid.c_str(),
                        passage_id(doc).c_str(), it.get_rank() + 1, it.get_weight());
        }
        return mset.size();
    };

    /* Warm-up pass, untimed: fills the OS and Xapian caches, and writes the run file so that
     * looking up passage ids is not part of the timed pass. */
    size_t with_hits = 0;
    for (const auto &q : qs)
        with_hits += one(q, run) > 0;
    if (run != nullptr && fclose(run) != 0)
        throw std::runtime_error(std::string("cannot write '") + runpath + "': " + strerror(errno));

    std::vector<double> ms;
    ms.reserve(qs.size());
    sink = 0;
    auto t_all = Clock::now();
    for (const auto &q : qs) {
        auto t0 = Clock::now();
        one(q, nullptr);
        ms.push_back(seconds_since(t0) * 1e3);
    }
    double total = seconds_since(t_all);

    double sum = 0;
    for (double x : ms)
        sum += x;
    std::sort(ms.begin(), ms.end());
    printf("queries %zu\nwith_hits %zu\np50_ms %.4f\np95_ms %.4f\np99_ms %.4f\nmean_ms %.4f\n"
           "max_ms %.4f\ntotal_s %.4f\ndata_bytes %zu\n",
           qs.size(), with_hits, quantile(ms, 0.50), quantile(ms, 0.95), quantile(ms, 0.99),
           sum / (double)ms.size(), ms.back(), total, sink);
    return 0;
}

int usage()
{
    fprintf(stderr,
            "usage: %s index DB INPUT.jsonl[.gz]\n"
            "       %s search DB QUERIES.tsv [-n N] [--run FILE]\n",
            PROG, PROG);
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 4)
        return usage();
    std::string mode = argv[1];
    try {
        if (mode == "index" && argc == 4)
            return cmd_index(argv[2], argv[3]);
        if (mode != "search")
            return usage();

        unsigned limit = 10;
        const char *runpath = nullptr;
        for (int i = 4; i < argc; i++) {
            std::string a = argv[i];
            if (a == "-n" && i + 1 < argc) {
                char *end;
                long v = strtol(argv[++i], &end, 10);
                if (*end != '\0' || v < 1 || v > 100000) {
                    fprintf(stderr, "%s: invalid result count '%s'\n", PROG, argv[i]);
                    return 2;
                }
                limit = (unsigned)v;
            } else if (a == "--run" && i + 1 < argc) {
                runpath = argv[++i];
            } else {
                return usage();
            }
        }
        return cmd_search(argv[2], argv[3], limit, runpath);
    } catch (const Xapian::Error &e) {
        fprintf(stderr, "%s: %s\n", PROG, e.get_description().c_str());
    } catch (const std::exception &e) {
        fprintf(stderr, "%s: %s\n", PROG, e.what());
    }
    return 2;
}
