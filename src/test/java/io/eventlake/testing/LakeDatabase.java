package io.eventlake.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Direct JDBC reads of the lake, so tests check what PostgreSQL really holds, not what the API says. Uses
 * the tests' database ({@code eventlake_test} on 127.0.0.1:5432, the %test profile's), or
 * {@code EVENTLAKE_TEST_JDBC_URL} when set.
 */
public final class LakeDatabase {

    public static final String URL = System.getenv().getOrDefault("EVENTLAKE_TEST_JDBC_URL",
            "jdbc:postgresql://127.0.0.1:5432/eventlake_test");
    public static final String USER = "eventlake";
    public static final String PASSWORD = "eventlake";

    private LakeDatabase() {
    }

    public static long count(String sql, Object... params) {
        List<Map<String, Object>> rows = query(sql, params);
        return ((Number) rows.get(0).values().iterator().next()).longValue();
    }

    /** Runs a statement that returns no rows (DDL, an update). */
    public static void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(URL, USER, PASSWORD);
                var statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The rows PostgreSQL's planner expects {@code sql} to return, from the table statistics, without running it: the
     * figure the service's estimates start from.
     */
    public static long plannedRows(String sql, Object... params) {
        Object plan = query("explain (format json) " + sql, params).get(0).values().iterator().next();
        try {
            return new ObjectMapper().readTree(plan.toString()).get(0).get("Plan").get("Plan Rows").asLong();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<Map<String, Object>> query(String sql, Object... params) {
        try (Connection connection = DriverManager.getConnection(URL, USER, PASSWORD);
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (int c = 1; c <= columns; c++) {
                        row.put(rs.getMetaData().getColumnLabel(c), rs.getObject(c));
                    }
                    rows.add(row);
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
