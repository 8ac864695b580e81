#pragma once
/// The case: parameters, geometry and boundary conditions of one run, in SI units.
/// Cases hold no solver code. Built by load_case() (case_parser.cpp) from YAML.
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "meshes/coldplate.hpp"
#include "solver/numerics/settings.hpp"
#include "solver/physics/coolant.hpp"
#include "solver/power/gpu_model.hpp"

namespace kelvin {

/// Where a value came from in the input file (1-based line and column; 0 when generated).
struct SourceMark {
  std::string file;
  int line = 0;
  int column = 0;
};

/// A solid material. Conductivity may be orthotropic (kx, ky, kz along the grid axes).
struct Material {
  std::string name;
  std::array<double, 3> conductivity_W_mK{0, 0, 0};
  double density_kg_m3 = 0;
  double specific_heat_J_kgK = 0;
  SourceMark mark;
};

/// An axis-aligned box painted with a material; later boxes override earlier ones.
/// cell_size_m[d] > 0 asks for cells no larger than that along axis d inside the box.
struct BoxSpec {
  std::string name;
  std::string material;
  std::array<double, 3> min_m{0, 0, 0};
  std::array<double, 3> max_m{0, 0, 0};
  std::array<double, 3> cell_size_m{0, 0, 0};
  SourceMark mark;
};

/// A 2-D map of relative power density over the xy extent of a source box.
/// values[r * cols + c]: row r runs along y (row 0 at the box's y minimum), column c along x.
struct PowerMap {
  int rows = 0;
  int cols = 0;
  std::vector<double> values;
};

/// A volumetric heat source on a box: either a total power (W, spread over the box, weighted
/// by the power map if any) or a uniform power density (W/m^3).
struct HeatSource {
  enum class Kind { TotalPower, PowerDensity };
  std::string name;
  std::array<double, 3> min_m{0, 0, 0};
  std::array<double, 3> max_m{0, 0, 0};
  Kind kind = Kind::TotalPower;
  double value = 0;  // W for TotalPower, W/m^3 for PowerDensity
  std::optional<PowerMap> power_map;
  SourceMark mark;
};

/// The six faces of the domain.
enum class Face { XMin = 0, XMax = 1, YMin = 2, YMax = 3, ZMin = 4, ZMax = 5 };

/// Boundary condition on a face or on a rectangle of it. Unset faces are adiabatic.
/// region_min/region_max are coordinates along the face's two tangential axes in x, y, z order
/// (for an x face: (y, z); for a y face: (x, z); for a z face: (x, y)).
struct BoundaryCondition {
  enum class Type { Adiabatic, Temperature, HeatFlux, Convection };
  Face face = Face::XMin;
  Type type = Type::Adiabatic;
  double temperature_K = 0;     // Temperature: wall value; Convection: T_infinity
  double heat_flux_W_m2 = 0;    // HeatFlux: positive into the domain
  double htc_W_m2K = 0;         // Convection: h
  bool has_region = false;
  std::array<double, 2> region_min_m{0, 0};
  std::array<double, 2> region_max_m{0, 0};
  SourceMark mark;
};

/// Thermal contact resistance on every face between cells of two materials (K m^2/W).
struct ContactResistance {
  std::string material_a;
  std::string material_b;
  double resistance_K_m2_W = 0;
  SourceMark mark;
};

/// A named point whose temperature is reported (the temperature of the cell containing it).
struct Probe {
  std::string name;
  std::array<double, 3> position_m{0, 0, 0};
  SourceMark mark;
};

/// Mesh settings: largest cell size along each axis anywhere in the domain.
struct MeshSettings {
  std::array<double, 3> max_cell_size_m{1e-3, 1e-3, 1e-3};
};

/// Optional explicit domain. Without it the domain is the bounding box of all boxes and every
/// cell must be covered by some box. With it, uncovered cells get background_material.
struct DomainSpec {
  std::array<double, 3> min_m{0, 0, 0};
  std::array<double, 3> max_m{0, 0, 0};
  std::string background_material;  // empty: every cell must be covered by a box
  SourceMark mark;
};

/// The coolant: a fluid from the coolant library (solver/physics/coolant.hpp) filling every cell of
/// `material`. The material's k, rho and cp for the energy equation are the coolant's at the
/// inlet temperature; the flow uses rho(T) and mu(T) cell by cell (unless constant_properties).
struct CoolantCase {
  std::string fluid = "PG25";        // parse_coolant() text: "water", "PG25", "EG30", ...; or
                                     // the user-defined fluid's name
  std::optional<UserFluidSpec> user;  // a fluid defined in the case (fluid: {name: ..., ...})
  std::string material = "coolant";  // material name boxes use for coolant cells
  bool constant_properties = false;  // true: every property at the inlet temperature
  SourceMark mark;
};

/// The properties of the case's coolant: the library's fluid, or the user-defined one. Throws
/// CoolantError (one line) for an unknown or invalid fluid.
CoolantProperties coolant_properties(const CoolantCase& c);

/// A flow inlet or outlet on a domain face (or a rectangle of it, as BoundaryCondition regions).
/// Only the coolant cells next to it carry flow.
struct FlowPort {
  enum class Kind { Inlet, Outlet };
  std::string name;
  Kind kind = Kind::Inlet;
  Face face = Face::ZMax;
  bool has_region = false;
  std::array<double, 2> region_min_m{0, 0};
  std::array<double, 2> region_max_m{0, 0};
  double flow_rate_m3_s = 0;   // Inlet: volumetric flow rate at the inlet temperature
  double temperature_K = 0;    // Inlet: coolant temperature
  double pressure_Pa = 0;      // Outlet: static pressure
  SourceMark mark;
};

/// Flow solver controls (flow.* keys).
struct FlowCaseSettings {
  /// The outer iteration (flow.algorithm): false SIMPLEC, true coupled (FlowAlgorithm).
  bool coupled = false;
  double velocity_relaxation = 0.7;
  double tolerance = 1e-6;         // continuity and momentum residuals
  int max_iterations = 3000;       // SIMPLEC outer iterations per coupling pass
  int max_coupling_iterations = 50;  // flow <-> energy passes (properties, TVD correction)
  double temperature_tolerance_K = 1e-2;  // converged when no cell changes more than this in a pass
};

/// A generated cold plate (coldplate: section). Its boxes are painted after the case's own,
/// its metal is `material`, its coolant the coolant's material, and its ports become FlowPorts
/// on zmax with the given flow rate and inlet temperature (outlets at outlet_pressure).
struct ColdPlateCase {
  ColdPlateSpec spec;
  std::string material = "copper";
  double flow_rate_m3_s = 0;
  double inlet_temperature_K = 0;
  double outlet_pressure_Pa = 0;
  SourceMark mark;
};

/// One GPU of a case: a copy of the case's package and cold plate with its own power limit and
/// coolant feed. Zero means "the case's value" (the model's power limit, the cold plate's or the
/// inlet ports' temperature and flow rate); a zero the case file gives is an error (check_case()
/// tells the two apart by Case::key_marks).
struct GpuInstance {
  std::string name;
  double power_limit_W = 0;
  double inlet_temperature_K = 0;
  double flow_rate_m3_s = 0;
  SourceMark mark;
};

/// The GPUs of a case (gpus: section). Every GPU runs the same model on a copy of the case's
/// geometry; the die power goes into die_source's box (shaped by its power map), the HBM share
/// into the cells of hbm_material, spread by volume. T_j is the maximum over the die source's
/// box, T_hbm the maximum over hbm_material.
struct GpuCase {
  std::string model = "H100-SXM5";
  std::vector<GpuInstance> instances;
  std::string die_source;            // name of a heat source (default: the case's only one)
  std::string hbm_material = "hbm";  // "" or absent material: no HBM power
  double control_interval_s = 0.1;   // governor period
  int thermal_substeps = 1;          // thermal steps per control interval
  SourceMark mark;
};

/// What the GPUs run (workload: section); see solver/power/workload.hpp for the semantics.
struct WorkloadCase {
  std::string type = "constant";  // constant | training | inference | trace
  double activity = 1.0;          // constant
  double memory_bound_fraction = 0.2;
  double tokens_per_s = 0;        // 0: the model's nominal rate for the workload
  double iteration_time_s = 2.0;  // training
  double compute_fraction = 0.85;
  double compute_activity = 1.0;
  double communication_activity = 0.1;
  int checkpoint_every = 0;
  double checkpoint_duration_s = 30;
  double prefill_fraction = 0.2;  // inference: share of the cycle (nominal) spent in prefill
  double cycle_time_s = 4.0;
  double prefill_activity = 1.0;
  double decode_activity = 0.25;
  double prefill_tokens_per_s = 0;  // 0: the model's
  double decode_tokens_per_s = 0;
  std::string trace_file;         // trace: CSV path (relative to the case file)
  SourceMark mark;
};

/// One failure event of a loop (loop.events[]): applied at time_s into the transient.
struct LoopEventCase {
  /// trip_pump | trip_all_pumps | start_standby | stick_facility_valve | quick_disconnect
  std::string type;
  double time_s = 0;
  int pump = 0;          ///< trip_pump: index among the CDU's pumps, duty first (0-based)
  int tray = 0;          ///< quick_disconnect: compute tray (0-based, bottom of the rack first)
  double opening = 0.5;  ///< quick_disconnect: the coupling's new opening, (0, 1]
  SourceMark mark;
};

/// The coolant loop around a case's GPUs (loop: section): a CDU, supply and return pipes to a
/// rack, supply and return manifolds with one branch per compute tray (its plates in parallel
/// or in series) and per switch tray (fixed heat), quick disconnects at every tray. GPU i sits
/// in compute tray i / gpus_per_tray. Defaults are the documented GB200 NVL72-class numbers
/// (README "The `loop:` section"); zero means "derived" where a comment says so.
struct LoopCase {
  /// reduced: fitted from the case's own 3-D plate runs; 3d: every plate solved in 3-D (batched)
  std::string plate_model = "reduced";
  int trays = 1;                        ///< compute trays; gpus.count = trays x gpus_per_tray
  int gpus_per_tray = 1;
  std::string tray_plumbing = "parallel";  ///< parallel | series (plates inside a tray)
  // Switch trays: branches with fixed heat, placed after compute tray switch_after_tray.
  int switch_trays = 0;
  double switch_tray_heat_W = 0;
  double switch_tray_kv_m3_h = 1.0;
  int switch_after_tray = 0;  ///< 0: after half the compute trays (rounded up)
  // Manifolds: vertical headers, one node per tray position, tray_pitch apart.
  std::string manifold_layout = "reverse";  ///< direct | reverse return
  double manifold_diameter_m = 0.0381;      ///< 1.5 in
  double manifold_roughness_m = 1.5e-6;     ///< drawn stainless / copper
  double tray_pitch_m = 0.04445;            ///< 1 RU
  // Each tray's supply and return hose (one each) and quick disconnect (one each).
  double hose_length_m = 0.8;
  double hose_diameter_m = 0.0095;
  double quick_disconnect_kv_m3_h = 2.0;
  // Supply and return pipes between the CDU and the rack (each).
  double pipe_length_m = 10.0;
  double pipe_diameter_m = 0.0525;  ///< 2 in
  double pipe_roughness_m = 1.5e-6;
  double pipe_heat_loss_W_K = 0;    ///< UA of each pipe to the room
  double ambient_K = 298.15;
  // The CDU (solver/loop/cdu.hpp CduDesign; rating = setpoints).
  double cdu_rated_heat_W = 2.5e5;
  double cdu_supply_K = 313.15;           ///< secondary supply: rating and setpoint
  double cdu_delta_T_K = 10.0;            ///< secondary rise at rating
  double facility_supply_K = 308.15;      ///< facility water supply (35 degC)
  double facility_delta_T_K = 8.0;
  int duty_pumps = 2;
  int standby_pumps = 1;
  double pump_shutoff_head_m = 39.0;
  double pump_rated_head_m = 30.0;
  /// supply - return at the CDU; 0 (absent): the one at which the duty pumps give the GPU plates
  /// the cold plate's flow rate on average
  double dp_setpoint_Pa = 0;
  // Reduced plate model: 3-D steady runs at these multiples of the plate's flow rate.
  std::vector<double> fit_flows{0.25, 0.5, 1.0, 1.5, 2.0};
  double response_time_s = 20.0;  ///< length of the 3-D step-response run for the transient fit
  std::vector<LoopEventCase> events;
  SourceMark mark;
};

/// The facility around a case's racks (facility: section, needs loop:): `racks` identical racks,
/// each on its own CDU, whose facility sides share one loop cooled by dry coolers, run hour by
/// hour over a weather year (README "Facility runs").
struct FacilityCase {
  std::string weather_file;                 ///< TMY3 CSV or EPW, relative to the case file
  int racks = 1;
  std::string heat_rejection = "dry_cooler";  ///< dry_cooler | cooling_tower | chiller
  double supply_setpoint_K = 0;  ///< facility water supply the fans hold; 0: the CDU's rated one
  // Dry coolers (solver/facility/dry_cooler.hpp DryCoolerDesign; 0: that struct's default).
  int dry_coolers = 1;
  double dry_cooler_rated_heat_W = 0;
  double dry_cooler_air_flow_kg_s = 0;
  int dry_cooler_fans = 0;
  double dry_cooler_fan_power_W = 0;      ///< all fans of one cooler at speed 1
  double pad_effectiveness = 0;           ///< adiabatic pre-cooling; 0: none
  double pad_threshold_K = 298.15;        ///< pad wetted above this dry bulb
  double min_fan_speed = 0.1;
  // Facility pumps: head and wire-to-water efficiency.
  double pump_head_m = 20.0;
  double pump_efficiency = 0.7;
  // Open cooling towers (cooling_tower, and the chiller plant's; CoolingTowerDesign; 0: that
  // struct's default) on their own water loop, through a plate exchanger to the facility loop.
  int cooling_towers = 1;
  double tower_rated_water_flow_kg_s = 0;  ///< each tower's; also its flow in operation
  double tower_rated_air_flow_kg_s = 0;
  double tower_rated_inlet_K = 0, tower_rated_outlet_K = 0, tower_rated_wet_bulb_K = 0;
  double tower_fan_power_W = 0;            ///< one tower's fans at speed 1
  double tower_drift_fraction = 5e-5;      ///< of the circulating water
  double tower_cycles_of_concentration = 3.0;
  double tower_min_fan_speed = 0.1;
  double tower_pump_head_m = 15.0;         ///< condenser-water pumps (efficiency: pump's)
  double exchanger_approach_K = 1.5;       ///< plate exchanger: facility supply - tower water, at design
  // Chillers (chiller): EnergyPlus's DOE-2 Centrifugal/5.50COP curves at this capacity.
  int chillers = 1;
  double chiller_capacity_W = 0;  ///< each; required for heat_rejection chiller
  double chiller_cop = 0;         ///< reference COP; 0: the curve set's 5.5
  /// The rack table spans the setpoint to this above it (supplies beyond it are clamped and
  /// counted as hours outside the table).
  double table_span_K = 20.0;
  int first_hour = 0, hours = 0;  ///< hours of the year run: [first_hour, first_hour + hours); 0: all
  double ambient_offset_K = 0;    ///< added to every hour's dry bulb and dew point (a warmer climate)
  // The pulse (pulse: mapping; runs when pulse_duration_s > 0): one hour's synchronous training
  // as a rack transient at that hour's facility water, the facility's power in time.
  int pulse_hour = -1;               ///< hour of the year; -1: the one with the warmest facility supply
  double pulse_duration_s = 0;       ///< 0: no pulse
  double pulse_iteration_time_s = 2.0;
  double pulse_compute_fraction = 0.85;
  double pulse_communication_activity = 0.1;
  // The hall (hall: liquid | air_cooled). liquid: the loop's racks on CDUs (everything above).
  // air_cooled (air_cooling: mapping): racks of air-cooled servers whose GPUs are the gpus
  // section's (gpus.count per server) in a hall of chilled-water CRAHs; the chilled water comes
  // from the chiller plant (heat_rejection: chiller) at supply_setpoint. See
  // solver/coupling/air_hall.hpp for the model; every default below is documented there.
  std::string hall = "liquid";
  bool air_cooled() const { return hall == "air_cooled"; }
  int air_servers_per_rack = 4;
  int air_gpu_rows = 2;                      ///< rows of GPU sinks in series along the server's air
  double air_server_power_W = 2500;          ///< a server's power but its GPUs' and fans'
  double air_supply_K = 297.15;              ///< the CRAHs' supply-air setpoint (24 degC)
  double air_recirculation = 0.05;           ///< share of the servers' intake that is their exhaust
  double air_bypass = 0.10;                  ///< share of the CRAHs' air that misses the servers
  double air_target_junction_K = 355.15;     ///< the BMC's GPU temperature target (82 degC)
  // air_cooling.heat_sink: one GPU's plate-fin sink (solver/facility/heat_sink.hpp)
  int air_sink_fins = 50;
  double air_sink_fin_height_m = 0.09, air_sink_fin_thickness_m = 6e-4;
  double air_sink_fin_spacing_m = 1.4e-3, air_sink_length_m = 0.12;
  double air_sink_conductivity_W_mK = 390;
  double air_junction_to_case_K_W = 0.015, air_sink_interface_K_W = 0.008;
  // air_cooling.server_fans: a server's fan wall at full speed (solver/facility/server_fans.hpp)
  double air_fan_flow_m3_s = 0.47, air_fan_pressure_Pa = 600, air_fan_shutoff_Pa = 1000;
  double air_fan_power_W = 1000, air_fan_min_speed = 0.3;
  double air_gpu_flow_share = 0.175;  ///< share of the server's air through one column of sinks
  // air_cooling.crah: the hall's CRAHs, each rated at one point (solver/facility/crah_coil.hpp)
  int air_crahs = 0;  ///< required for hall: air_cooled
  double air_crah_rated_heat_W = 200e3;
  double air_crah_air_flow_kg_s = 13.2, air_crah_water_flow_kg_s = 4.77;
  double air_crah_rated_air_inlet_K = 311.15, air_crah_rated_water_inlet_K = 288.15;
  double air_crah_fan_power_W = 7500;  ///< one CRAH's fans at full speed
  double air_crah_air_side_share = 0.6;
  SourceMark mark;
};

/// A whole case, fully resolved to SI.
struct Case {
  std::string name;
  std::string description;
  std::string file;  // path it was read from
  MeshSettings mesh;
  std::optional<DomainSpec> domain;
  std::vector<Material> materials;
  std::vector<BoxSpec> boxes;
  std::vector<HeatSource> sources;
  std::vector<BoundaryCondition> boundaries;
  std::vector<ContactResistance> contacts;
  std::vector<Probe> probes;
  SolverSettings solver;
  TransientSettings transient;
  std::optional<CoolantCase> coolant;        // required by any flow
  std::vector<FlowPort> ports;               // explicit inlets and outlets
  std::optional<ColdPlateCase> coldplate;    // generated geometry and ports
  FlowCaseSettings flow;
  std::vector<GpuModel> gpu_models;          // models defined or overridden by the case
  std::optional<GpuCase> gpus;               // GPUs with power model and governor
  WorkloadCase workload;
  std::optional<LoopCase> loop;              // coolant loop, CDU and rack around the GPUs
  std::optional<FacilityCase> facility;      // racks on dry coolers over a weather year
  /// Nothing to mesh: an air-cooled hall's GPUs sit in modelled servers.
  bool meshless() const { return facility && facility->air_cooled(); }
  /// The GPU model gpus uses: the case's definition, else the catalogue's (nullptr if none).
  const GpuModel* gpu_model() const {
    if (!gpus) return nullptr;
    for (const auto& m : gpu_models)
      if (m.name == gpus->model) return &m;
    return find_gpu_model(gpus->model);
  }
  /// Junction for thermal resistances: the material whose maximum is the junction temperature
  /// (default "silicon" when present) and the one whose maximum is the case temperature
  /// (default: the lid, i.e. the material named by case_material).
  std::string junction_material;
  std::string case_material;
  bool has_flow() const { return coolant.has_value() && (!ports.empty() || coldplate.has_value()); }
  double initial_temperature_K = 293.15;
  /// Where each key was written in the case file, by path ("solver.tolerance",
  /// "materials[0].conductivity", "boxes[2].max"; indices into the vectors above). Filled by
  /// the parser so check_case() can point at the offending line; empty for cases built in code.
  /// Paths prefixed with '!' mark values the parser already reported as invalid or missing, so
  /// check_case() does not report their defaults again.
  std::map<std::string, SourceMark> key_marks;
  /// Warnings of check_case(), each "FILE:LINE:COL: warning: ..." (a value that is legal but
  /// past what the solver verified or a correlation covers). validate and run print them; run
  /// also lists them in summary.json "warnings".
  std::vector<std::string> warnings;

  /// Index of the material with this name, or -1.
  int material_index(const std::string& name) const {
    for (std::size_t m = 0; m < materials.size(); ++m)
      if (materials[m].name == name) return static_cast<int>(m);
    return -1;
  }
};

/// Name of a face as written in case files: "xmin", "xmax", ... "zmax".
const char* face_name(Face f);

}  // namespace kelvin
