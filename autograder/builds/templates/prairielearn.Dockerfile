# The grading image of the PrairieLearn question of '@assignment@': PrairieLearn's Python image with
# the public autograder installed, once, when the image is built. Build and push it under the name
# the question's info.json gives:  docker build -t NAME image && docker push NAME
FROM @base@
COPY grader /opt/autograder-source
RUN python3 -m venv /opt/autograder \
    && /opt/autograder/bin/python -m pip install --no-cache-dir /opt/autograder-source \
    && /opt/autograder/bin/autograder --help > /dev/null
ENV PATH="/opt/autograder/bin:${PATH}"
