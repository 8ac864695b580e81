#pragma once
/// Private to solver/case/: the Checker behind check_case(). Its thermal checks live in
/// check_thermal.cpp, the coolant, cold plate and flow checks in check_flow.cpp, the GPU checks
/// in check_gpus.cpp, the coolant loop's in check_loop.cpp, the facility's in check_facility.cpp
/// (an air-cooled hall's in check_air_cooling.cpp), and the mesh's size and quality in
/// check_mesh.cpp.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "solver/case/case_parser.hpp"
#include "solver/physics/coolant.hpp"

namespace kelvin::parse_detail {

/// "[a, b, c] unit" with six significant digits, for messages.
std::string vec_text(const std::array<double, 3>& a, const char* unit);

/// "loop.cdu: delta_T" of "loop.cdu.delta_T": the owner and the key, for messages
/// (check_ranges.cpp).
std::string owner_key(const std::string& path);
/// "313.15 K (40 degC)".
std::string kelvin_text(double T);

/// Reports problems at the place a key was written: the key's own mark when the parser
/// recorded one, else the mark of the thing it belongs to, else just the file.
class Checker {
 public:
  /// Checks c (which must outlive the checker), appending errors to diags and warnings (their
  /// messages without the "warning: " prefix) to warnings.
  Checker(const Case& c, std::vector<Diagnostic>& diags, std::vector<Diagnostic>& warnings)
      : m_case(c), m_diags(diags), m_warnings(warnings), m_first_diag(diags.size()) {}

  /// Whether the parser already reported the value at path, or something containing it
  /// ("sources[0]" contains "sources[0].power"; "" contains everything).
  bool failed(std::string path) const;

  /// Whether the parser reported anything at path or inside it ("coldplate.fins.pitch" is
  /// inside "coldplate"), or anything containing it.
  bool failed_under(const std::string& path) const;

  /// Reports message at the key path, else at its nearest marked parent, else at fallback;
  /// nothing if the parser already reported path (see failed()).
  void report(const std::string& path, const SourceMark& fallback, const std::string& message);
  /// report() without a fallback mark.
  void report(const std::string& path, const std::string& message) {
    report(path, SourceMark{}, message);
  }
  /// A warning at the key path, placed as report() places errors.
  void warn(const std::string& path, const std::string& message);

  /// Runs every check, in an order where each one finds what it needs (materials, the cold
  /// plate and the domain first).
  void run();

  // Range checks of one value at a dotted key path (check_ranges.cpp), reported as
  // "owner: key must ..., got v unit" ("loop.cdu: delta_T must be positive, got 0 K").
  void require_positive(const std::string& path, double v, const char* unit);
  void require_non_negative(const std::string& path, double v, const char* unit);
  /// v in [0, 1] or (0, 1] (zero_allowed), with 1 allowed or not (one_allowed).
  void require_fraction(const std::string& path, double v, bool zero_allowed, bool one_allowed = true);
  void require_at_least(const std::string& path, int v, int lo);

 private:
  /// An axis-aligned box in m.
  struct Extent {
    std::array<double, 3> lo{}, hi{};
  };

  // The thermal model (check_thermal.cpp).
  /// Conductivity, density and specific heat positive; names printable and unique.
  void check_materials();
  /// Boxes well-formed, inside an explicit domain, of known materials.
  void check_boxes();
  /// The explicit domain well-formed, else the bounding box of the boxes and the cold plate.
  void check_domain();
  /// Sources well-formed, inside the domain, overlapping some material; power maps valid.
  void check_sources();
  /// Boundary values physical; a steady case has a fixed temperature somewhere.
  void check_boundaries();
  /// Contacts between two different known materials, once each, resistance >= 0.
  void check_contacts();
  /// Probes named uniquely and inside the domain.
  void check_probes();
  /// Top-level names, initial temperature, mesh, solver and transient settings.
  void check_settings();
  /// A transient's step count and output count within kMaxTimeSteps and kMaxOutputTimes.
  void check_run_length();

  // Coolant, cold plate, flow and GPUs (check_flow_gpus.cpp).
  /// The fluid known, something flowing, its temperatures within the fluid's range.
  void check_coolant();
  /// The plate's material and flow, and that make_cold_plate() accepts its spec.
  void check_coldplate();
  /// Ports and flow settings valid; the plate inside the domain, its cover on top.
  void check_flow();
  /// Every gpu_models entry physical and consistent.
  void check_gpu_models();
  /// The GPU model known, instances within its limits, the die source and time step fit.
  void check_gpus();
  /// Workload fractions, activities and times within range; a trace's file exists.
  void check_workload();

  // The coolant loop (check_loop.cpp), run from check_gpus(): the loop is built round them.
  /// Everything below, when the case has a loop.
  void check_loop();
  /// What the loop is built from: gpus (trays x gpus_per_tray of them, none with its own feed),
  /// a cold plate to fit the reduced model from, a coolant.
  void check_loop_needs(const LoopCase& l);
  /// Counts, sizes, heads and temperatures of the rack, manifolds, hoses, pipes and CDU.
  void check_loop_values(const LoopCase& l);
  /// The reduced model's fit flows and response time.
  void check_loop_fit(const LoopCase& l);
  /// Events: a transient to happen in, times inside it, pumps and trays that exist.
  void check_loop_events(const LoopCase& l);
  // The facility (check_facility.cpp), run from check_gpus() next to the loop it is built round.
  /// Everything below, when the case has a facility.
  void check_facility();
  /// What the facility is built round and runs on: a loop (hence gpus), no transient, a weather
  /// file that exists and can be read.
  void check_facility_needs(const FacilityCase& f);
  /// Racks, supply setpoint (below the CDUs' supply), dry coolers, pumps and hours in range.
  void check_facility_values(const FacilityCase& f);
  /// Cooling towers, plate exchanger and chillers in range (check_facility_towers.cpp).
  void check_facility_towers(const FacilityCase& f);
  /// The pulse mapping's hour, duration and training cycle (check_facility_pulse.cpp).
  void check_facility_pulse(const FacilityCase& f);
  /// An air-cooled hall (check_air_cooling.cpp): a chiller plant, gpus and no loop, no pulse, a
  /// supply_setpoint below the supply air, the air_cooling values in range; air_cooling given
  /// only with hall: air_cooled.
  void check_air_cooling(const FacilityCase& f);
  /// Whether the case is an air-cooled hall (facility.hall: air_cooled): its GPUs sit in
  /// modelled servers, so it needs no materials, boxes, sources or boundaries.
  bool air_hall() const { return m_case.meshless(); }
  /// Whether a case without materials, boxes, sources or boundaries is not to be reported as
  /// such: an air-cooled hall, or a facility whose hall could not be read (that error says it).
  bool geometry_optional() const { return air_hall() || failed("facility.hall"); }
  /// A region on face (BoundaryCondition and FlowPort regions): min < max along both
  /// tangential axes, inside the face. path is the owner's ("boundaries[0]").
  void check_region(const std::string& path, const SourceMark& mark, const std::string& who,
                    Face face, const std::array<double, 2>& lo, const std::array<double, 2>& hi);
  /// Ports on the same face must not overlap (an outlet over an inlet drives the coolant
  /// cells under both to nonsense), the cold plate's ports included.
  void check_port_overlaps();
  /// Warnings: a coolant inlet temperature above the coolant's boiling point at the outlet.
  void check_boiling();
  /// Whether the parser or an earlier check reported anything: later checks that need a whole,
  /// valid case (meshing it) are skipped then.
  bool any_error() const;
  /// The grid's axes: too many cells along one axis is an error at mesh.max_cell_size (or the
  /// box whose cell_size asks for them); a worst aspect ratio or a conductivity contrast
  /// between touching materials past what the verification covers is a warning.
  void check_mesh();
  /// The warning part of check_mesh() for touching materials.
  void check_conductivity_contrast();
  /// The longest prefix of path (cut at '.' or '[') that key_marks knows, else path.
  std::string nearest_marked(const std::string& path) const;
  /// Where a message about path goes: its mark, its nearest marked parent's, fallback's, or
  /// the start of the file.
  Diagnostic place(const std::string& path, const SourceMark& fallback,
                   const std::string& message) const;
  /// Reports name unless it is one of the case's materials; who names the referrer.
  void check_material_ref(const std::string& name, const std::string& path,
                          const SourceMark& fallback, const std::string& who);

  /// Whether the box lo .. hi lies inside m_domain (to a relative 1e-9).
  bool inside(const std::array<double, 3>& lo, const std::array<double, 3>& hi) const {
    for (int d = 0; d < 3; ++d) {
      const double tol = 1e-9 * (m_domain.hi[d] - m_domain.lo[d]);
      if (!(lo[d] >= m_domain.lo[d] - tol && hi[d] <= m_domain.hi[d] + tol)) return false;
    }
    return true;
  }

  const Case& m_case;
  std::vector<Diagnostic>& m_diags;           // the caller's
  std::vector<Diagnostic>& m_warnings;        // the caller's
  std::size_t m_first_diag = 0;               // m_diags' size before the checks
  std::vector<std::string> m_material_names;  // the case's, once check_materials() ran
  bool m_has_domain = false;                  // whether m_domain is a valid, non-empty box
  Extent m_domain;
  std::optional<CoolantProperties> m_coolant;  // when the coolant is valid
  std::optional<ColdPlateLayout> m_plate;      // when the coldplate is valid
  std::optional<Extent> m_plate_extent;        // m_plate's outer box
};

}  // namespace kelvin::parse_detail
