// The loop section: the coolant loop around a case's GPUs (compute and switch trays, manifolds,
// hoses, quick disconnects, the pipes to the CDU and the CDU itself), the reduced plate model's
// fit and the failure events of a transient. Values are checked in check_loop.cpp.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "solver/case/parser.hpp"

namespace kelvin::parse_detail {
namespace {

using Kind = LoopField::Kind;

LoopField quantity_field(const char* section, const char* key, Dimension d,
                         double LoopCase::*member) {
  return {section, key, Kind::Quantity, d, member, nullptr, nullptr, {}};
}
LoopField number_field(const char* section, const char* key, Kind kind, double LoopCase::*member) {
  return {section, key, kind, Dimension::Dimensionless, member, nullptr, nullptr, {}};
}
LoopField integer_field(const char* section, const char* key, int LoopCase::*member) {
  return {section, key, Kind::Integer, Dimension::Dimensionless, nullptr, member, nullptr, {}};
}
LoopField choice_field(const char* section, const char* key, std::string LoopCase::*member,
                       std::vector<std::string> choices) {
  return {section, key,     Kind::Choice, Dimension::Dimensionless,
          nullptr, nullptr, member,       std::move(choices)};
}

/// Length of the number that starts s ("2.5e3" in "2.5e3 m^3/h"), read as to_si() reads it:
/// an 'e' starts an exponent only when a digit follows ("2 eV" is not "2e" and "V").
std::size_t number_length(const std::string& s) {
  const auto digit = [&](std::size_t i) {
    return i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]));
  };
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  while (digit(i) || (i < s.size() && s[i] == '.')) ++i;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    if (digit(j)) {
      while (digit(j)) ++j;
      i = j;
    }
  }
  return i;
}

/// s without leading and trailing blanks.
std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

const std::vector<std::string> kEventTypes{"trip_pump", "trip_all_pumps", "start_standby",
                                           "stick_facility_valve", "quick_disconnect"};

}  // namespace

const std::vector<LoopField>& loop_fields() {
  using L = LoopCase;
  static const std::vector<LoopField> fields{
      choice_field("", "plate_model", &L::plate_model, {"reduced", "3d"}),
      integer_field("", "trays", &L::trays),
      integer_field("", "gpus_per_tray", &L::gpus_per_tray),
      choice_field("", "tray_plumbing", &L::tray_plumbing, {"parallel", "series"}),
      integer_field("switch_trays", "count", &L::switch_trays),
      quantity_field("switch_trays", "heat", Dimension::Power, &L::switch_tray_heat_W),
      number_field("switch_trays", "kv", Kind::Kv, &L::switch_tray_kv_m3_h),
      integer_field("switch_trays", "after_tray", &L::switch_after_tray),
      choice_field("manifold", "layout", &L::manifold_layout, {"direct", "reverse"}),
      quantity_field("manifold", "diameter", Dimension::Length, &L::manifold_diameter_m),
      quantity_field("manifold", "roughness", Dimension::Length, &L::manifold_roughness_m),
      quantity_field("manifold", "tray_pitch", Dimension::Length, &L::tray_pitch_m),
      quantity_field("hose", "length", Dimension::Length, &L::hose_length_m),
      quantity_field("hose", "diameter", Dimension::Length, &L::hose_diameter_m),
      number_field("quick_disconnect", "kv", Kind::Kv, &L::quick_disconnect_kv_m3_h),
      quantity_field("pipes", "length", Dimension::Length, &L::pipe_length_m),
      quantity_field("pipes", "diameter", Dimension::Length, &L::pipe_diameter_m),
      quantity_field("pipes", "roughness", Dimension::Length, &L::pipe_roughness_m),
      number_field("pipes", "heat_loss", Kind::Conductance, &L::pipe_heat_loss_W_K),
      quantity_field("pipes", "ambient", Dimension::Temperature, &L::ambient_K),
      quantity_field("cdu", "rated_heat", Dimension::Power, &L::cdu_rated_heat_W),
      quantity_field("cdu", "supply_temperature", Dimension::Temperature, &L::cdu_supply_K),
      quantity_field("cdu", "delta_T", Dimension::TemperatureDifference, &L::cdu_delta_T_K),
      quantity_field("cdu", "facility_supply_temperature", Dimension::Temperature,
                     &L::facility_supply_K),
      quantity_field("cdu", "facility_delta_T", Dimension::TemperatureDifference,
                     &L::facility_delta_T_K),
      integer_field("cdu", "duty_pumps", &L::duty_pumps),
      integer_field("cdu", "standby_pumps", &L::standby_pumps),
      quantity_field("cdu", "pump_shutoff_head", Dimension::Length, &L::pump_shutoff_head_m),
      quantity_field("cdu", "pump_rated_head", Dimension::Length, &L::pump_rated_head_m),
      quantity_field("cdu", "dp_setpoint", Dimension::Pressure, &L::dp_setpoint_Pa),
      quantity_field("reduced_model", "response_time", Dimension::Time, &L::response_time_s),
  };
  return fields;
}

const std::vector<std::string>& loop_sections() {
  static const std::vector<std::string> sections{
      "switch_trays", "manifold", "hose", "quick_disconnect", "pipes", "cdu", "reduced_model"};
  return sections;
}

const std::vector<std::string>& loop_event_keys(const std::string& type) {
  static const std::vector<std::string> pump{"pump"}, qd{"tray", "opening"}, none;
  if (type == "trip_pump") return pump;
  if (type == "quick_disconnect") return qd;
  return none;
}

void Parser::parse_loop(const YAML::Node& n) {
  const Context ctx{"loop", "loop"};
  LoopCase l;
  l.mark = mark(n);
  std::vector<std::string> keys;
  for (const auto& f : loop_fields())
    if (!*f.section) keys.push_back(f.key);
  keys.insert(keys.end(), loop_sections().begin(), loop_sections().end());
  keys.push_back("events");
  YAML::Node events;
  bool has_events = false;
  const auto seen = walk(n, ctx, keys, [&](const std::string& k, const YAML::Node& v) {
    if (k == "events") {
      events.reset(v);
      has_events = true;
    } else if (std::find(loop_sections().begin(), loop_sections().end(), k) !=
               loop_sections().end()) {
      parse_loop_section(v, k, l);
    } else {
      for (const auto& f : loop_fields())
        if (!*f.section && k == f.key) read_loop_field(f, v, ctx, l);
    }
  });
  require(seen, {"trays"}, n, ctx);
  if (has_events) parse_loop_events(events, l);
  m_case.loop = l;
}

void Parser::parse_loop_section(const YAML::Node& n, const std::string& section, LoopCase& l) {
  const Context ctx{"loop." + section, "loop." + section};
  std::vector<std::string> keys;
  if (section == "reduced_model") keys.push_back("flows");
  for (const auto& f : loop_fields())
    if (section == f.section) keys.push_back(f.key);
  walk(n, ctx, keys, [&](const std::string& k, const YAML::Node& v) {
    if (k == "flows") {
      // Multiples of the plate's flow rate; at least three is check_loop()'s to say.
      if (!v.IsSequence()) {
        error(v, ctx.key_desc(k) +
                     ": expected a list of multiples of the cold plate's flow rate (like "
                     "[0.25, 0.5, 1, 1.5, 2]), got " +
                     describe(v));
        fail(ctx.key_path(k));
        return;
      }
      std::vector<double> flows;
      for (const auto& item : v)
        if (auto x = quantity(item, Dimension::Dimensionless, k, ctx)) flows.push_back(*x);
      if (flows.size() == v.size()) l.fit_flows = flows;
      return;
    }
    for (const auto& f : loop_fields())
      if (section == f.section && k == f.key) read_loop_field(f, v, ctx, l);
  });
}

void Parser::read_loop_field(const LoopField& f, const YAML::Node& v, const Context& ctx,
                             LoopCase& l) {
  const std::string key = f.key;
  switch (f.kind) {
    case Kind::Quantity:
      if (auto x = quantity(v, f.dim, key, ctx)) l.*f.number = *x;
      return;
    case Kind::Kv:
      // kv is quoted in m^3/h; a bare number is SI (m^3/s) like every bare number of a case.
      if (auto x = quantity_in(v, "m^3/h", 3600, "a flow coefficient kv", key, ctx))
        l.*f.number = *x;
      return;
    case Kind::Conductance:
      if (auto x = quantity_in(v, "W/K", 1, "a thermal conductance", key, ctx)) l.*f.number = *x;
      return;
    case Kind::Integer:
      if (auto i = integer(v, key, ctx)) l.*f.integer = *i;
      return;
    case Kind::Choice:
      break;
  }
  const auto s = text(v, key, ctx);
  if (!s) return;
  if (std::find(f.choices.begin(), f.choices.end(), *s) != f.choices.end()) {
    l.*f.choice = *s;
  } else {
    error(v, ctx.key_desc(key) + ": unknown value " + in_quotes(*s) + " (" + join(f.choices) + ")" +
                 did_you_mean(*s, f.choices));
    fail(ctx.key_path(key));
  }
}

std::optional<double> Parser::quantity_in(const YAML::Node& v, const char* unit,
                                          double bare_in_unit, const char* what,
                                          const std::string& key, const Context& ctx) {
  const std::string expected = std::string(": expected ") + what + " (a number in " +
                               (bare_in_unit == 1 ? unit : "SI units") + " or a string like \"2 " +
                               unit + "\"), got ";
  const auto bad = [&](const std::string& message) {
    error(v, ctx.key_desc(key) + message);
    fail(ctx.key_path(key));
    return std::nullopt;
  };
  if (!v.IsScalar()) return bad(expected + describe(v));
  const std::string t = trimmed(v.Scalar());
  const std::size_t n = number_length(t);
  const auto number = parse_number(t.substr(0, n));
  if (!number) return bad(expected + describe(v));
  const std::string given = trimmed(t.substr(n));
  // The ratio of the units, not the value through SI: "2 m^3/h" reads back as exactly 2.
  double ratio = bare_in_unit;
  try {
    if (!given.empty() && std::string("0123456789.+-,").find(given[0]) != std::string::npos)
      throw UnitError("a second number");
    if (!given.empty()) ratio = to_si("1 (" + given + ")/(" + unit + ")", Dimension::Dimensionless);
  } catch (const UnitError&) {
    return bad(": cannot read " + in_quotes(t) + " as " + what +
               " (expected a number and a unit like " + unit + ")");
  }
  const double x = *number * ratio;
  if (!std::isfinite(x)) return bad(": " + in_quotes(t) + " is out of range");
  return x;
}

void Parser::parse_loop_events(const YAML::Node& n, LoopCase& l) {
  if (!n.IsSequence()) {
    error(n,
          "\"events\" in loop must be a list of events (each like \"- {type: trip_pump, "
          "time: 5 s, pump: 0}\"), got " +
              describe(n));
    fail("loop.events");
    return;
  }
  for (const auto& item : n) {
    const std::string path = "loop.events[" + std::to_string(l.events.size()) + "]";
    const Context ctx{path, path};
    LoopEventCase e;
    e.mark = mark(item);
    m_case.key_marks[path] = e.mark;
    bool type_ok = false;
    const auto read = [&](const std::string& k, const YAML::Node& v) {
      if (k == "type") {
        const auto s = text(v, k, ctx);
        if (!s) return;
        e.type = *s;
        type_ok = std::find(kEventTypes.begin(), kEventTypes.end(), *s) != kEventTypes.end();
        if (type_ok) return;
        error(v, ctx.key_desc(k) + ": unknown event " + in_quotes(*s) + " (" + join(kEventTypes) +
                     ")" + did_you_mean(*s, kEventTypes));
        fail(ctx.key_path(k));
      } else if (k == "time") {
        if (auto x = quantity(v, Dimension::Time, k, ctx)) e.time_s = *x;
      } else if (k == "opening") {
        if (auto x = quantity(v, Dimension::Dimensionless, k, ctx)) e.opening = *x;
      } else if (auto i = integer(v, k, ctx)) {
        (k == "pump" ? e.pump : e.tray) = *i;
      }
    };
    const auto seen = walk(item, ctx, {"type", "time", "pump", "tray", "opening"}, read);
    require(seen, {"type"}, item, ctx);
    l.events.push_back(e);
    if (!type_ok) continue;
    // A key the type does not read would be silently ignored: an error, like a workload's.
    const auto& takes = loop_event_keys(e.type);
    std::vector<std::string> event_keys{"time"};
    event_keys.insert(event_keys.end(), takes.begin(), takes.end());
    for (const auto& k : seen) {
      if (k == "type" || k == "time" || k[0] == '?' ||
          std::find(takes.begin(), takes.end(), k) != takes.end())
        continue;
      const SourceMark& at = m_case.key_marks[ctx.key_path(k)];
      m_diags.push_back({m_file, at.line, at.column,
                         ctx.key_desc(k) + ": does not apply to a " + e.type + " event (it takes " +
                             join(event_keys) + ")"});
      fail(ctx.key_path(k));
    }
  }
}

}  // namespace kelvin::parse_detail
