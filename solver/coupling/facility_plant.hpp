#pragma once
/// A facility of identical racks on dry coolers, hour by hour (facility: section).
///
/// Each rack on its own CDU; the CDUs' facility sides share one water loop: the dry coolers'
/// outlet is every CDU's facility supply T_f, and the CDUs' returns mix into the coolers' inlet.
/// A rack answers T_f through its steady state (rack_steady.hpp: every GPU's operating point,
/// the CDU's PI loops settled, or saturated when T_f is too warm): its IT power, tokens, CDU duty
/// Q and facility flow m. That answer is tabulated once over T_f (RackResponseTable, linear
/// between points 2 K apart), so a year of hours costs a table, not 8760 rack solves; the
/// facility return follows from each point's own balance, h(T_r) = h(T_f) + Q/m, so the heat
/// the coolers reject equals the racks' duty to round-off at every T_f.
///
/// An hour: the fans hold T_f at its setpoint if they can (speed_for_outlet at T_f = setpoint);
/// at full speed and still too warm, T_f rises until the coolers' outlet at full speed equals it
/// (bisection on T_f within the table); at minimum speed and still too cold, a three-way valve
/// sends part of the flow around the coolers so that the mix holds the setpoint (the usual
/// dry-cooler control in winter). Facility pumps: g H (racks m) / eta.
#include <functional>
#include <vector>

#include "solver/base/progress_sink.hpp"
#include "solver/case/case.hpp"
#include "solver/facility/chiller.hpp"
#include "solver/facility/cooling_tower.hpp"
#include "solver/facility/dry_cooler.hpp"
#include "solver/loop/reduced_plate.hpp"
#include "solver/power/workload.hpp"

namespace kelvin {

/// One rack's steady state with facility water entering its CDU at facility_inlet_K.
struct RackResponse {
  double facility_inlet_K = 0;
  double it_W = 0;                ///< GPUs + switch trays
  double gpu_W = 0;
  double tokens_per_s = 0, unthrottled_tokens_per_s = 0;
  double thermally_throttled = 0;  ///< GPUs with a thermal clock-event reason (interpolated)
  double max_junction_K = 0;
  double duty_W = 0;               ///< the CDU exchanger's
  double facility_flow_kg_s = 0;
  double cdu_pumps_W = 0;          ///< electrical
  double secondary_supply_K = 0;  ///< the CDU's; an air-cooled hall: the servers' intake air
  // An air-cooled hall's (air_hall.hpp); 0 for a liquid rack.
  double server_fans_W = 0;     ///< part of it_W (metered with the servers)
  double crah_fans_W = 0;       ///< the rack's share of the CRAHs' fans
  double server_fan_speed = 0;  ///< relative
  double supply_air_K = 0;      ///< the CRAHs' supply air
};

/// A rack's answers over facility inlet temperatures, linear between them.
class RackResponseTable {
 public:
  explicit RackResponseTable(std::vector<RackResponse> points, double interpolation_error = 0,
                             double flow_interpolation_error = 0)
      : m_points(std::move(points)), m_error(interpolation_error), m_flow_error(flow_interpolation_error) {}
  /// Worst relative error of the linear interpolation of IT power and CDU duty at the midpoints
  /// checked (every interval's, after refinement), and of the facility flow (not refined on:
  /// near the CDU valve's saturation the flow rises steeply, ~1/(T_sat - T)).
  double interpolation_error() const { return m_error; }
  double flow_interpolation_error() const { return m_flow_error; }
  double lowest_K() const { return m_points.front().facility_inlet_K; }
  double highest_K() const { return m_points.back().facility_inlet_K; }
  /// Linear between the two points around t (clamped to the table).
  RackResponse at(double facility_inlet_K) const;
  const std::vector<RackResponse>& points() const { return m_points; }

 private:
  std::vector<RackResponse> m_points;
  double m_error = 0, m_flow_error = 0;
};

/// One rack's steady state at facility_inlet_K (phase: the workload's steady phase).
RackResponse rack_response(const Case& c, const GpuModel& m, const ReducedPlate& plate,
                           double dp_setpoint_Pa, const WorkloadPhase& phase,
                           double facility_inlet_K);

/// A rack's answer to facility water at a temperature [K].
using RackAnswer = std::function<RackResponse(double facility_inlet_K)>;

/// answer every step_K from low_K to high_K, then every interval checked at its midpoint and
/// halved where the linear interpolation of IT power, duty or facility flow misses the rack in
/// IT power or duty by more than `tolerance` (relative), down to step_K / 8.
RackResponseTable tabulate_response(const RackAnswer& answer, double low_K, double high_K,
                                    double step_K, ProgressSink& progress, double tolerance = 1e-3);

/// tabulate_response of rack_response.
RackResponseTable tabulate_rack(const Case& c, const GpuModel& m, const ReducedPlate& plate,
                                double dp_setpoint_Pa, const WorkloadPhase& phase, double low_K,
                                double high_K, double step_K, ProgressSink& progress,
                                double tolerance = 1e-3);

/// What rejects the facility loop's heat (facility.heat_rejection).
enum class HeatRejection { DryCooler, CoolingTower, Chiller };

/// Open cooling towers on their own (condenser) water loop, which takes the facility loop's
/// heat through a counterflow plate exchanger (facility_tower_hour.cpp): the open towers' water
/// never reaches the CDUs. Condenser pumps at constant speed: every tower at its rated flow.
struct TowerPlant {
  CoolingTower tower;
  int towers = 1;
  double exchanger_ua_W_K = 0;  ///< the plate exchanger, facility <-> tower water
  double min_fan_speed = 0.1;   ///< > 0
  double pump_head_m = 15, pump_efficiency = 0.7;  ///< condenser-water pumps
  double water_flow_kg_s() const { return towers * tower.design.rating.water_flow_kg_s; }
};

/// The facility's hardware.
struct FacilityPlant {
  HeatRejection heat_rejection = HeatRejection::DryCooler;
  TowerPlant towers;            ///< cooling_tower and chiller
  ElectricEirChiller chiller;   ///< one chiller (chiller); `chillers` alike share the trim load
  int chillers = 0;
  DryCooler cooler;
  int coolers = 1;
  int racks = 1;
  double setpoint_K = 0;  ///< facility supply the fans hold
  double min_fan_speed = 0.1;
  double pump_head_m = 20, pump_efficiency = 0.7;
  CoolantProperties water;
};

/// The plant of c's facility section (dry coolers, towers, chillers rated from the section,
/// water); towers' saturated air at site_pressure_Pa.
FacilityPlant facility_plant(const Case& c, double site_pressure_Pa = 101325.0);

/// c's cooling towers, plate exchanger and condenser pumps (facility_tower_hour.cpp).
TowerPlant tower_plant(const Case& c, double site_pressure_Pa);

/// One hour.
struct FacilityHour {
  double facility_supply_K = 0, facility_return_K = 0;
  double facility_flow_kg_s = 0;  ///< all racks
  double fan_speed = 0;
  double bypass_fraction = 0;     ///< of the coolers' flow sent around them (cold hours)
  DryCoolerState cooler;          ///< one cooler, on the flow through it
  RackResponse rack;              ///< one rack
  double it_W = 0, cdu_pumps_W = 0, facility_pumps_W = 0, fans_W = 0;
  double crah_fans_W = 0;         ///< air-cooled hall: the CRAHs' fans, all racks'
  double server_fans_W = 0;       ///< air-cooled hall: part of it_W
  double condenser_pumps_W = 0;   ///< tower water pumps (towers, chillers)
  double compressor_W = 0;        ///< chillers, electrical
  double water_kg_s = 0;          ///< water used: the pads' evaporation, or the towers' make-up
  double evaporation_kg_s = 0, drift_kg_s = 0, blowdown_kg_s = 0;  ///< towers, all of them
  double rejected_W = 0;          ///< the facility water's enthalpy drop through the coolers or exchanger
  /// Heat leaving to the ambient: what the coolers or towers put into their air, plus the fans'
  /// and pumps' work and the racks' heat that the CDUs do not carry (to the room)
  double to_ambient_W = 0;
  CoolingTowerState tower;        ///< one tower (towers, chillers)
  double tower_supply_K = 0;      ///< the towers' cold water
  double economizer_W = 0;        ///< chiller plant: the plate exchanger's share
  ChillerState chiller;           ///< the running chillers as one (their sum)
  int chillers_on = 0;
  int mode = 0;                   ///< chiller plant: 0 free cooling, 1 economizer + trim, 2 mechanical
  bool above_setpoint = false;    ///< fans at full speed and the supply still above the setpoint
  bool outside_table = false;     ///< the answer lies beyond the table (clamped to its edge)
  /// Every electrical load but IT.
  double cooling_W() const {
    return cdu_pumps_W + facility_pumps_W + fans_W + crah_fans_W + condenser_pumps_W + compressor_W;
  }
  double pue() const { return (it_W + cooling_W()) / it_W; }
};

/// One hour of plant.heat_rejection's plant (the header comment; towers and chillers:
/// facility_tower_hour.cpp).
FacilityHour solve_facility_hour(const FacilityPlant& plant, const RackResponseTable& table,
                                 const AmbientAir& air);

/// One hour of towers through the plate exchanger, fans holding the setpoint
/// (facility_fan_control.hpp).
FacilityHour solve_tower_hour(const FacilityPlant& plant, const RackResponseTable& table,
                              const AmbientAir& air);

/// One hour of the chiller plant: free cooling by the towers alone when their fans can hold the
/// setpoint; else towers at full speed, the economizer's exchanger and the trim chillers.
FacilityHour solve_chiller_hour(const FacilityPlant& plant, const RackResponseTable& table,
                                const AmbientAir& air);

}  // namespace kelvin
