#pragma once
/// A coolant distribution unit (CDU): a counterflow plate heat exchanger between the secondary
/// (rack) loop and facility water, N duty + 1 standby secondary pumps in parallel, each behind a
/// check valve, an expansion tank at the pumps' suction, a facility-side control valve, and two
/// PI loops: pump speed holding the secondary differential pressure, the facility valve holding
/// the secondary supply temperature.
///
/// Defaults: a ~1.5 MW in-row liquid-to-liquid CDU class (the size of the in-row CDUs sold for
/// GB200 NVL72 rows). Rating point assumed here (state of the art, not one vendor's sheet):
///   1.5 MW; secondary PG25 34 degC supply / 44 degC return (Delta T 10 K); facility water
///   30 degC supply, Delta T 8 K (38 degC return); approach (secondary supply - facility supply)
///   4 K. With PG25's properties at 39 degC this needs 38.2 kg/s = ~2250 L/min on the secondary
///   and 44.9 kg/s of facility water; the exchanger's UA follows from the rating (rate_cdu).
///   Pumps: 2 duty + 1 standby, each H = 39 m - 9 m (Q / Q_p)^2 (30 m at its share Q_p of the
///   rated flow), best efficiency 0.75 at Q_p, motor and drive 0.93. Exchanger secondary-side
///   drop 50 kPa and check valves 10 kPa at rated flow. Facility valve: linear, fully open it
///   passes 1.5x the rated facility flow (a facility loop held at constant differential pressure,
///   valve authority 1: facility flow = 1.5 m_f,rated x opening).
#include <string>
#include <vector>

#include "solver/loop/network.hpp"
#include "solver/loop/pi_controller.hpp"
#include "solver/loop/thermal.hpp"

namespace kelvin {

/// A CDU's rating and hardware.
struct CduDesign {
  double rated_heat_W = 1.5e6;
  double secondary_supply_K = 307.15;  ///< 34 degC at rating
  double secondary_delta_T_K = 10.0;
  double facility_supply_K = 303.15;  ///< 30 degC at rating
  double facility_delta_T_K = 8.0;
  int duty_pumps = 2;
  int standby_pumps = 1;
  double pump_shutoff_head_m = 39.0;
  double pump_rated_head_m = 30.0;  ///< at the pump's share of the rated flow
  double pump_bep_efficiency = 0.75;
  double pump_motor_efficiency = 0.93;
  double exchanger_dp_Pa = 5e4;    ///< secondary side at rated flow
  double check_valve_dp_Pa = 1e4;  ///< at one duty pump's rated flow
  double facility_valve_max_flow_ratio = 1.5;
  double tank_pressure_Pa = 1.5e5;  ///< gauge, at the pumps' suction
};

/// What the rating point implies.
struct CduRating {
  double secondary_flow_kg_s = 0;
  double secondary_flow_m3_s = 0;  ///< at the secondary mean temperature
  double facility_flow_kg_s = 0;
  double ua_W_K = 0;             ///< exchanger UA at rating
  double effectiveness = 0;      ///< at rating
  PlateHeatExchanger exchanger;  ///< UA and the rated side flows
};

/// Flows and UA of d at its rating point, secondary coolant `secondary` and facility coolant
/// `facility`: m = Q / (cp(T_mean) Delta T) per side, epsilon = Q / (C_min (T_hot,in -
/// T_cold,in)), UA = NTU(epsilon, Cr) C_min (the inverse counterflow relation).
CduRating rate_cdu(const CduDesign& d, const CoolantProperties& secondary,
                   const CoolantProperties& facility);

/// The links add_cdu made.
struct CduLinks {
  int exchanger = -1;              ///< return_node -> "cdu_suction"; the exchanger's hot side
  std::vector<int> pumps, checks;  ///< duty first, then standby (speed 0)
  int suction = -1;                ///< the tank node
};

/// Adds a CDU between return_node and supply_node (both created here as junctions) to net
/// (whose coolant is the secondary): a fixed-pressure tank node "cdu_suction", the exchanger's
/// secondary side as a Kv loss "cdu_hx", pumps "cdu_pump_<i>" and check valves "cdu_check_<i>".
CduLinks add_cdu(Network& net, const CduDesign& d, const CduRating& r,
                 const std::string& return_node, const std::string& supply_node);

/// The exchanger's cold side with the facility valve at opening [0, 1].
ExchangerColdSide cdu_cold_side(const CduDesign& d, const CduRating& r,
                                const CoolantProperties& facility, double valve_opening);

/// Setpoints and gains of a CDU's two loops.
struct CduControlSettings {
  double dp_setpoint_Pa = 2.0e5;      ///< supply - return pressure
  double supply_setpoint_K = 307.15;  ///< secondary supply temperature
  /// pump speed: 0.1 of rated speed per bar, Ti 2 s, speed 0.2 .. 1.15
  PiSettings speed{1e-6, 2.0, 0.2, 1.15, AntiWindup::Clamping, 0.0};
  /// facility valve, reverse acting: opens 0.05 per K too hot, Ti 5 s
  PiSettings valve{-0.05, 5.0, 0.0, 1.0, AntiWindup::Clamping, 0.0};
};

/// The CDU's two PI loops.
class CduController {
 public:
  CduController(const CduControlSettings& s, double initial_speed, double initial_opening);
  /// One control step of dt [s] from the measured differential pressure and supply
  /// temperature; the new commands are speed() and opening().
  void update(double measured_dp_Pa, double measured_supply_K, double dt_s);
  double speed() const { return m_speed.output(); }
  double opening() const { return m_valve.output(); }

 private:
  CduControlSettings m_s;
  PiController m_speed, m_valve;
};

}  // namespace kelvin
