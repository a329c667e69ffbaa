import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public, RequirePermission } from '@crm/platform';
import { IdParams } from '../shared/dto';
import { AnswerDto, CreateSurveyDto, InviteDto, NpsQuery, TokenParams } from './dto/survey.dto';
import { SurveysService } from './surveys.service';

@ApiTags('surveys')
@Controller()
export class SurveysController {
  constructor(private readonly surveys: SurveysService) {}

  @Post('surveys')
  @RequirePermission('marketing:write')
  @ApiOperation({ summary: 'Create a survey: questions (nps 0-10, rating 1-5, choice, text)' })
  create(@Body() dto: CreateSurveyDto) {
    return this.surveys.create(dto);
  }

  @Get('surveys/:id')
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'One survey' })
  get(@Param() { id }: IdParams) {
    return this.surveys.get(id);
  }

  @Post('surveys/:id/invitations')
  @RequirePermission('marketing:write')
  @ApiOperation({ summary: 'An unguessable answer link per contact' })
  invite(@Param() { id }: IdParams, @Body() dto: InviteDto) {
    return this.surveys.invite(id, dto.contactIds);
  }

  @Get('surveys/:id/nps')
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'NPS (promoters minus detractors) of the survey, optionally of one segment' })
  nps(@Param() { id }: IdParams, @Query() q: NpsQuery) {
    return this.surveys.nps(id, q.segmentId);
  }

  /** The survey behind a link, for its recipient (the link is the credential). */
  @Public()
  @ApiExcludeEndpoint()
  @Get('s/:token')
  show(@Param() { token }: TokenParams) {
    return this.surveys.forToken(token);
  }

  @Public()
  @ApiExcludeEndpoint()
  @Post('s/:token')
  @HttpCode(201)
  answer(@Param() { token }: TokenParams, @Body() dto: AnswerDto) {
    return this.surveys.answer(token, dto.answers);
  }
}
