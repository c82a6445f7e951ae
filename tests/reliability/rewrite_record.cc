// rewrite_record: damages one record of a trawl index the way a bug, a disk or an older trawl
// could, for damage_test.py (Debian's xapian-tools can read metadata but not write it). Talks
// to Xapian directly on purpose: it writes what trawl itself would never write.
//     rewrite_record DB meta KEY HEX          set metadata KEY to the bytes HEX ("" clears)
//     rewrite_record DB meta-byte0 KEY BYTE   replace the first byte of metadata KEY
//     rewrite_record DB data-byte0 DOCID BYTE replace the first byte of a document's data
//     rewrite_record DB data-cut DOCID N      cut a document's data to its first N bytes
// DB is a database folder (gen-N), not the index's stub. Exits 0, or 2 with a message.
#include <xapian.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

static std::string unhex(const std::string &h)
{
    std::string out;
    for (size_t i = 0; i + 1 < h.size(); i += 2)
        out += static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16));
    return out;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        std::fprintf(stderr, "usage: rewrite_record DB OP KEY VALUE\n");
        return 2;
    }
    try {
        Xapian::WritableDatabase db(argv[1], Xapian::DB_OPEN);
        std::string op = argv[2], key = argv[3], val = argv[4];
        if (op == "meta") {
            db.set_metadata(key, unhex(val));
        } else if (op == "meta-byte0") {
            std::string v = db.get_metadata(key);
            if (v.empty())
                throw std::runtime_error("no metadata " + key);
            v[0] = static_cast<char>(std::stoi(val));
            db.set_metadata(key, v);
        } else if (op == "data-byte0" || op == "data-cut") {
            Xapian::docid id = static_cast<Xapian::docid>(std::stoul(key));
            Xapian::Document doc = db.get_document(id);
            std::string d = doc.get_data();
            if (op == "data-cut")
                d = d.substr(0, std::stoul(val));
            else if (!d.empty())
                d[0] = static_cast<char>(std::stoi(val));
            doc.set_data(d);
            db.replace_document(id, doc);
        } else {
            throw std::runtime_error("unknown operation " + op);
        }
        db.commit();
    } catch (const Xapian::Error &e) {
        std::fprintf(stderr, "rewrite_record: %s\n", e.get_description().c_str());
        return 2;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "rewrite_record: %s\n", e.what());
        return 2;
    }
    return 0;
}
