DROP TABLE speaker_profiles;
DROP FUNCTION speaker_profiles_raise_content_version();
