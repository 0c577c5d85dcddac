"""Tests of the student pages."""
