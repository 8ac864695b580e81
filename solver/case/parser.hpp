#pragma once
/// Private to solver/case/: the case-file Parser, whose sections are read in parse_*.cpp, and
/// the helpers that the parser, the Checker and resolved_case_yaml() share. Nothing outside
/// solver/case/ includes this; the public interface is case_parser.hpp.
#include <yaml-cpp/yaml.h>

#include <array>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "solver/base/units.hpp"
#include "solver/case/case_parser.hpp"

namespace kelvin::parse_detail {

/// s in double quotes for a message: control characters escaped (they would garble a
/// terminal) and long text shortened (a pasted file would make the message unreadable).
std::string in_quotes(const std::string& s);

/// v with six significant digits ("%.6g"), for messages.
std::string num(double v);

/// "; did you mean "x"?" for the candidate closest to word (within edit distance 2, else one
/// sharing a prefix of at least 3 characters), "" when nothing is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

/// words separated by ", ".
std::string join(const std::vector<std::string>& words);

/// What a node is, for "expected X, got Y" messages.
std::string describe(const YAML::Node& n);

/// Whether s is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool valid_utf8(const std::string& s);

/// Names end up in messages, file names and HDF5/JSON keys: non-empty printable UTF-8 only.
bool printable_name(const std::string& s);

/// Sorts diags[first..] by line and column, keeping the order of messages at one place:
/// sections are read and checked in dependency order, users read messages in file order.
void sort_by_position(std::vector<Diagnostic>& diags, std::size_t first);

/// A yaml-cpp mark (0-based) as a 1-based SourceMark in file; line 0 when m has no position.
SourceMark to_source_mark(const YAML::Mark& m, const std::string& file);

/// A GpuModel field as written in case files: key, dimension, member, and the SI value of the
/// member's unit (clocks are kept in MHz: 1e6 Hz). Dividing by an exact power of ten keeps the
/// resolved case's round trip exact.
struct GpuField {
  const char* key;           ///< as written under gpu_models ("power_limit")
  Dimension dim;             ///< what its value measures
  double GpuModel::*member;  ///< where it is stored
  double si_per_unit;        ///< SI value of the member's unit (1e6 for MHz)
};

/// Every GpuModel field a case file may set under gpu_models, in the order they are written.
const std::vector<GpuField>& gpu_fields();

/// The workload keys a workload type reads besides "type" (README "workload"); none for an
/// unknown type.
const std::vector<std::string>& workload_keys(const std::string& type);

/// The names of the built-in GPU models (gpu_catalogue()), for messages.
std::vector<std::string> catalogue_names();

/// A LoopCase value as written in case files (README "The loop: section"): where it sits under
/// loop, its key and its member. Read by the parser, written back by resolved_case_yaml().
struct LoopField {
  /// How the value is written. Kv and Conductance have no Dimension of their own: a bare number
  /// is SI (m^3/s, W/K), a unit is converted to the member's (m^3/h, W/K) by udunits2.
  enum class Kind { Quantity, Kv, Conductance, Integer, Choice };
  const char* section;  ///< "" for loop's own keys, else its mapping ("cdu", "pipes", ...)
  const char* key;      ///< as written ("supply_temperature")
  Kind kind;
  Dimension dim = Dimension::Dimensionless;  ///< Quantity: what it measures
  double LoopCase::*number = nullptr;        ///< Quantity (SI), Kv (m^3/h), Conductance (W/K)
  int LoopCase::*integer = nullptr;          ///< Integer
  std::string LoopCase::*choice = nullptr;   ///< Choice
  std::vector<std::string> choices;          ///< Choice: the allowed words
};

/// Every LoopCase field a case file may set under loop, in the order resolved cases write
/// them, grouped by section (loop's own first). reduced_model.flows and events are read apart.
const std::vector<LoopField>& loop_fields();

/// The mappings under loop ("switch_trays", "manifold", ..., "reduced_model"), in order.
const std::vector<std::string>& loop_sections();

/// The keys an event of this type reads besides "type" and "time" (empty for an unknown type).
const std::vector<std::string>& loop_event_keys(const std::string& type);

/// A FacilityCase value as written in case files (README "The facility: section"): where it
/// sits under facility, its key and its member. Read by the parser, written back by
/// resolved_case_yaml(). weather and heat_rejection are read apart.
struct FacilityField {
  /// How the value is written. MassFlow has no Dimension of its own: a bare number is kg/s, a
  /// unit is converted to kg/s by udunits2.
  enum class Kind { Quantity, MassFlow, Integer };
  const char* section;  ///< "" for facility's own keys, else its mapping ("dry_coolers", ...)
  const char* key;      ///< as written ("rated_heat")
  Kind kind;
  Dimension dim = Dimension::Dimensionless;  ///< Quantity: what it measures
  double FacilityCase::*number = nullptr;    ///< Quantity (SI), MassFlow (kg/s)
  int FacilityCase::*integer = nullptr;      ///< Integer
  /// 0 means "the model's default": a given 0 is an error, and resolved cases leave a 0 out.
  bool zero_is_default = false;
};

/// Every FacilityCase field a case file may set under facility, in the order resolved cases
/// write them, grouped by section (facility's own first).
const std::vector<FacilityField>& facility_fields();

/// The mappings under facility ("dry_coolers", "pump", "hours"), in order.
const std::vector<std::string>& facility_sections();

/// Every FacilityCase field of an air-cooled hall (facility.air_cooling), in the order resolved
/// cases write them: air_cooling's own keys (section "air_cooling"), then those of its mappings
/// (section "air_cooling.heat_sink", ...). Read in parse_air_cooling.cpp.
const std::vector<FacilityField>& air_cooling_fields();

/// The mappings under facility.air_cooling as air_cooling_fields() names their sections
/// ("air_cooling.heat_sink", "air_cooling.server_fans", "air_cooling.crah"), in order.
const std::vector<std::string>& air_cooling_sections();

/// Where a mapping sits: desc names it in messages ("material \"copper\""; empty at the top
/// level), path prefixes its keys in Case::key_marks ("materials[0]"; empty at the top level).
struct Context {
  std::string desc;  ///< the mapping in messages
  std::string path;  ///< the mapping's Case::key_marks path

  /// The Case::key_marks path of key in this mapping ("materials[0].density").
  std::string key_path(const std::string& key) const {
    return path.empty() ? key : path + "." + key;
  }
  /// "\"density\" in material \"copper\"" or just "\"name\"" at the top level.
  std::string key_desc(const std::string& key) const {
    return desc.empty() ? in_quotes(key) : in_quotes(key) + " in " + desc;
  }
  /// The mapping itself in messages: desc, or "the case" at the top level.
  std::string mapping_desc() const { return desc.empty() ? std::string("the case") : desc; }
};

/// Reads one case file's YAML into a Case, appending a Diagnostic per problem. The generic
/// readers (walk, quantity, ...) and run() live in parse_support.cpp; the sections in
/// parse_thermal.cpp, parse_power_map.cpp, parse_flow.cpp, parse_gpus.cpp, parse_loop.cpp,
/// parse_facility.cpp and parse_air_cooling.cpp.
class Parser {
 public:
  /// file names the case in diagnostics and must outlive the parser; diags receives problems.
  Parser(const std::string& file, std::vector<Diagnostic>& diags, const ParseOptions& options)
      : m_file(file), m_diags(diags), m_options(options) {
    m_case.file = file;
  }

  /// Parses text (the whole file) and returns whatever could be built.
  Case run(const std::string& text);

 private:
  /// Called by walk() for each known key with its value.
  using Handler = std::function<void(const std::string& key, const YAML::Node& value)>;

  /// Appends message as a diagnostic at at.
  void error(const YAML::Mark& at, const std::string& message) {
    const SourceMark m = to_source_mark(at, m_file);
    m_diags.push_back({m_file, m.line, m.column, message});
  }
  /// An empty value ("density:" with nothing after it) has no useful mark of its own; the key
  /// being read does.
  void error(const YAML::Node& at, const std::string& message) {
    error(at.IsNull() && m_key_mark ? *m_key_mark : at.Mark(), message);
  }
  /// Records that the value at path (see Case::key_marks) was reported as invalid or missing,
  /// so check_case() does not report its default value a second time. "" is the whole case.
  void fail(const std::string& path) { m_case.key_marks["!" + path] = SourceMark{}; }
  /// Where n was written.
  SourceMark mark(const YAML::Node& n) const { return to_source_mark(n.Mark(), m_file); }

  /// Visits every key of a mapping: rejects non-scalar, duplicate and unknown keys (with a
  /// did-you-mean), records where each known key was written, and calls handle for it.
  /// Returns the known keys seen, plus "?key" for each key that an unknown key was probably a
  /// typo of (so require() does not report it missing too). Reports an error and returns
  /// nothing if map is not a mapping.
  std::set<std::string> walk(const YAML::Node& map, const Context& ctx,
                             const std::vector<std::string>& allowed, const Handler& handle);
  /// Reports each of keys missing from seen.
  void require(const std::set<std::string>& seen, const std::vector<std::string>& keys,
               const YAML::Node& map, const Context& ctx);
  /// Whether n is a list; reports it (what is the key, hint says what belongs in it) if not.
  bool expect_list(const YAML::Node& n, const std::string& what, const std::string& hint);

  /// One quantity of dimension d in SI units: a number or a string with a unit.
  std::optional<double> quantity(const YAML::Node& v, Dimension d, const std::string& key,
                                 const Context& ctx);
  /// n quantities: a YAML list, or one string of n numbers and one unit ("1 2 3 mm"). With
  /// broadcast, one quantity stands for all n. n = 0: as many as are given, at least two.
  std::optional<std::vector<double>> quantities(const YAML::Node& v, std::size_t n, Dimension d,
                                                const std::string& key, const Context& ctx,
                                                bool broadcast);
  /// Three quantities (x, y, z), see quantities().
  std::optional<std::array<double, 3>> vec3(const YAML::Node& v, Dimension d,
                                            const std::string& key, const Context& ctx,
                                            bool broadcast = false);
  /// A scalar string; empty only with allow_empty.
  std::optional<std::string> text(const YAML::Node& v, const std::string& key, const Context& ctx,
                                  bool allow_empty = false);
  /// A whole number that fits an int.
  std::optional<int> integer(const YAML::Node& v, const std::string& key, const Context& ctx);
  /// true or false (YAML's spellings).
  std::optional<bool> boolean(const YAML::Node& v, const std::string& key, const Context& ctx);
  /// The value of key "name" in a mapping, without reporting anything (for messages about
  /// keys that come before it).
  static std::string peek_name(const YAML::Node& map, const char* key = "name");
  /// A face rectangle {min: [a, b], max: [a, b]} (boundary conditions and flow ports).
  void parse_region(const YAML::Node& n, const Context& owner_ctx, bool& has_region,
                    std::array<double, 2>& region_min, std::array<double, 2>& region_max);
  /// A face name ("xmin" .. "zmax") into face; reports anything else.
  void parse_face(const YAML::Node& v, const Context& ctx, Face& face);

  /// The top-level mapping: scalar keys, then each section in dependency order.
  void parse_top(const YAML::Node& root);

  // The thermal sections (parse_thermal.cpp), each given the value of its top-level key.
  /// mesh: {max_cell_size}.
  void parse_mesh(const YAML::Node& n);
  /// domain: {min, max, background}.
  void parse_domain(const YAML::Node& n);
  /// materials: a mapping from names to {conductivity, density, specific_heat}.
  void parse_materials(const YAML::Node& n);
  /// boxes: a list of {name, material, min, max, cell_size}.
  void parse_boxes(const YAML::Node& n);
  /// sources: a list of heat sources on a named box or on min .. max (after parse_boxes).
  void parse_sources(const YAML::Node& n);
  /// boundaries: a list of {face, type, value keys of the type, region}.
  void parse_boundaries(const YAML::Node& n);
  /// contact_resistances: a list of {between: [a, b], resistance}.
  void parse_contacts(const YAML::Node& n);
  /// probes: a list of {name, at}.
  void parse_probes(const YAML::Node& n);
  /// solver: {tolerance, max_iterations}.
  void parse_solver(const YAML::Node& n);
  /// transient: time span, step and scheme; its presence makes the case transient.
  void parse_transient(const YAML::Node& n);

  // A source's power map (parse_power_map.cpp).
  /// power_map: {values: rows} or {file: CSV} into s.power_map.
  void parse_power_map(const YAML::Node& n, const Context& ctx, HeatSource& s);
  /// Reads a power map CSV named by a case (relative to the case file) into s.
  void read_power_map_file(const YAML::Node& at, const std::string& name, const Context& ctx,
                           HeatSource& s);

  // Coolant, cold plate and flow (parse_flow.cpp).
  /// coolant: a fluid name or {fluid, material, constant_properties}.
  void parse_coolant_section(const YAML::Node& n);
  /// coolant.fluid as a mapping: a user-defined fluid (constant properties or a table).
  void parse_user_fluid(const YAML::Node& n, CoolantCase& c);
  /// coolant.fluid.table: columns of one length, temperatures first.
  void parse_fluid_table(const YAML::Node& n, UserFluidSpec& u);
  /// coldplate: the generated cold plate's geometry, mesh and flow conditions.
  void parse_coldplate(const YAML::Node& n);
  /// coldplate.fins: straight fins or pins, and their dimensions.
  void parse_coldplate_fins(const YAML::Node& n, const Context& ctx, ColdPlateSpec& spec);
  /// flow: inlets, outlets and the flow solver's settings.
  void parse_flow(const YAML::Node& n);
  /// The inlets or outlets list of the flow section, appended to Case::ports.
  void parse_ports(const YAML::Node& n, FlowPort::Kind kind);
  /// flow.algorithm: simplec or coupled.
  void parse_flow_algorithm(const YAML::Node& v, const Context& ctx, FlowCaseSettings& f);
  /// Appends the coolant's material (see CoolantCase) once every section is read.
  void add_coolant_material();

  // GPUs (parse_gpus.cpp).
  /// gpu_models: a mapping from model names to overrides of a catalogue model.
  void parse_gpu_models(const YAML::Node& n);
  /// gpus: model, count or instances, die source, power limit, control interval.
  void parse_gpus(const YAML::Node& n);
  /// gpus.instances: named GPUs, or overrides of the counted ones.
  void parse_gpu_instances(const YAML::Node& n, const Context& ctx, GpuCase& g);
  /// workload: the activity pattern that drives the GPUs; keys its type does not read are errors.
  void parse_workload(const YAML::Node& n);
  /// Reads the workload's trace file (when options allow and it exists) as the run will, with
  /// its GPU count and phase names, reporting the first problem at the "file" key.
  void read_trace(const Context& ctx);

  // The coolant loop (parse_loop.cpp).
  /// loop: the rack, manifolds, hoses, pipes and CDU around the GPUs, the reduced plate
  /// model's fit and the failure events.
  void parse_loop(const YAML::Node& n);
  /// One mapping under loop (section is one of loop_sections()).
  void parse_loop_section(const YAML::Node& n, const std::string& section, LoopCase& l);
  /// One loop_fields() value into l.
  void read_loop_field(const LoopField& f, const YAML::Node& v, const Context& ctx, LoopCase& l);
  /// A value in unit (one that has no Dimension: "m^3/h", "W/K"): a bare number times
  /// bare_in_unit (its SI value in unit), or a number and a unit that udunits2 converts to unit.
  /// what names it in messages ("a flow coefficient kv").
  std::optional<double> quantity_in(const YAML::Node& v, const char* unit, double bare_in_unit,
                                    const char* what, const std::string& key, const Context& ctx);
  /// loop.events: a list of {type, time, and the keys of the type}.
  void parse_loop_events(const YAML::Node& n, LoopCase& l);

  // The facility around the racks (parse_facility.cpp).
  /// facility: weather, racks, heat rejection, dry coolers, pumps and the hours run.
  void parse_facility(const YAML::Node& n);
  /// One mapping under facility: section is one of facility_sections() with fields
  /// facility_fields(), or one of air_cooling_sections() with fields air_cooling_fields().
  void parse_facility_section(const YAML::Node& n, const std::string& section,
                              const std::vector<FacilityField>& fields, FacilityCase& f);
  /// facility.air_cooling: the air-cooled hall's servers, heat sinks, fans and CRAHs
  /// (parse_air_cooling.cpp).
  void parse_air_cooling(const YAML::Node& n, FacilityCase& f);
  /// One facility_fields() value into f.
  void read_facility_field(const FacilityField& field, const YAML::Node& v, const Context& ctx,
                           FacilityCase& f);

  const std::string& m_file;         // the case file's name, for diagnostics and paths
  std::vector<Diagnostic>& m_diags;  // where problems go (the caller's)
  ParseOptions m_options;
  Case m_case;                           // what has been read so far
  std::optional<YAML::Mark> m_key_mark;  // the key whose value is being read, if any
};

}  // namespace kelvin::parse_detail
