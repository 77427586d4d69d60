#include "evidence_pages.hpp"

#include "evidence/hash.hpp"
#include "evidence/human_size.hpp"
#include "pages.hpp"

namespace evidence::app {

namespace mustache = kainjow::mustache;

namespace {

// A metadata value in words: strings as they are, anything else as compact JSON. The ledger's
// metadata is the stalker's content; the template escapes it.
std::string Text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string StringField(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

mustache::data Pair(const std::string& term, const std::string& value) {
  mustache::data d;
  d.set("term", term);
  d.set("value", value);
  return d;
}

mustache::data Strings(const std::vector<std::string>& items) {
  mustache::data list{mustache::data::type::list};
  for (const auto& s : items) list.push_back(mustache::data(s));
  return list;
}

mustache::data Lines(const std::vector<CustodyLine>& lines) {
  mustache::data list{mustache::data::type::list};
  for (const CustodyLine& l : lines) {
    mustache::data d;
    d.set("seq", std::to_string(l.seq));
    d.set("time", l.time);
    d.set("actor", l.actor);
    d.set("action", l.action);
    d.set("description", l.description);
    list.push_back(d);
  }
  return list;
}

// "Google Pixel 7", from the EXIF make and model the metadata reader recorded.
std::string Camera(const nlohmann::json& md) {
  std::string make = StringField(md, "make");
  std::string model = StringField(md, "model");
  if (!make.empty() && !model.empty() && model.rfind(make, 0) != 0) return make + " " + model;
  return model.empty() ? make : model;
}

void SetGps(const nlohmann::json& md, mustache::data& p) {
  auto it = md.find("gps");
  if (it == md.end() || !it->is_object()) return;
  const std::string lat = StringField(*it, "latitude");
  const std::string lon = StringField(*it, "longitude");
  if (!lat.empty() && !lon.empty()) p.set("gps", lat + ", " + lon);
  mustache::data extra{mustache::data::type::list};
  if (auto alt = StringField(*it, "altitude_m"); !alt.empty()) {
    extra.push_back(Pair("Altitude", alt + " m"));
  }
  if (auto t = StringField(*it, "time_utc"); !t.empty()) extra.push_back(Pair("GPS time", t));
  if (auto w = StringField(*it, "warning"); !w.empty()) extra.push_back(Pair("GPS warning", w));
  p.set("gps_extra", extra);
}

}  // namespace

Page EvidencePage(const EvidenceList& list) {
  Page p{"evidence"};
  mustache::data items{mustache::data::type::list};
  for (const Item& it : list.items) {
    mustache::data d;
    d.set("exhibit", it.exhibit);
    d.set("name", it.name);
    d.set("kind", it.kind);
    d.set("size", HumanSize(it.size));
    d.set("captured", it.captured.value_or("unknown"));
    d.set("thumbnail", IsInertImage(it.media_type));
    d.set("warnings", Strings(it.warnings));
    items.push_back(d);
  }
  p.data.set("items", items);
  p.data.set("none", list.items.empty());
  p.data.set("empty_case", list.total == 0);
  mustache::data kinds{mustache::data::type::list};
  for (const std::string& k : list.kinds) {
    mustache::data d;
    d.set("kind", k);
    d.set("selected", k == list.query.kind);
    kinds.push_back(d);
  }
  p.data.set("kinds", kinds);
  p.data.set("q", list.query.text);
  p.data.set("shown",
             std::to_string(list.items.size()) + " of " + Plural(list.total, "item", "items"));
  return p;
}

Page ItemPage(const ItemView& v) {
  const Item& it = v.item;
  Page p{"item"};
  p.data.set("exhibit", it.exhibit);
  p.data.set("name", it.name);
  mustache::data facts{mustache::data::type::list};
  facts.push_back(Pair("Kind", it.kind));
  facts.push_back(Pair("Media type", it.media_type));
  facts.push_back(Pair("Size", HumanSize(it.size) + " (" + Plural(it.size, "byte", "bytes") + ")"));
  facts.push_back(Pair("SHA-256", DigestHex(it.sha256)));
  facts.push_back(Pair("Captured", it.captured.value_or("unknown")));
  facts.push_back(Pair("Added to the case", it.ingested));
  if (!it.note.empty()) facts.push_back(Pair("Note", it.note));
  if (std::string camera = Camera(it.metadata); !camera.empty()) {
    facts.push_back(Pair("Camera", camera));
  }
  p.data.set("facts", facts);
  SetGps(it.metadata, p.data);
  if (it.parent) p.data.set("parent", *it.parent);
  mustache::data other{mustache::data::type::list};
  for (const auto& [k, val] : it.metadata.items()) {
    if (k == "make" || k == "model" || k == "gps") continue;
    other.push_back(Pair(k, Text(val)));
  }
  p.data.set("metadata", other);
  p.data.set("has_metadata", !other.is_empty_list());
  p.data.set("warnings", Strings(it.warnings));
  p.data.set("picture", IsInertImage(it.media_type));
  p.data.set("audio", IsInertAudio(it.media_type));
  p.data.set("download", !IsInertImage(it.media_type) && !IsInertAudio(it.media_type));
  p.data.set("history", Lines(v.history));
  mustache::data link_to{mustache::data::type::list};
  for (const IncidentChoice& i : v.link_to) {
    mustache::data d;
    d.set("id", i.id);
    d.set("label", i.label);
    link_to.push_back(d);
  }
  p.data.set("link_to", link_to);
  p.data.set("can_link", !v.link_to.empty());
  return p;
}

Page CustodyPage(const std::vector<CustodyLine>& lines, std::string_view query) {
  Page p{"custody"};
  p.data.set("entries", Lines(lines));
  p.data.set("none", lines.empty());
  p.data.set("q", std::string(query));
  p.data.set("count", Plural(lines.size(), "record", "records"));
  return p;
}

}  // namespace evidence::app
